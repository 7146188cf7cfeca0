import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBearerToken } from '../support/provider-token-check.js';
import { startTokenKeySetup, type TokenKeySetup } from '../support/token-key-setup.js';
import { pluginRequest, sendOnce } from '../unit/shim/raw-http.js';
import { freePort, logRecord, type ServeProcess, spawnCli } from './processes.js';

// `npm start` with a provider token key: the process signs its JWT with the .p8 key, and
// the stand-in in bearer-token mode accepts a push only when its public key verifies it.
let setup: TokenKeySetup;
let serve: ServeProcess;
let port: number;
const deviceToken = randomBytes(32).toString('hex');

beforeAll(async () => {
  setup = await startTokenKeySetup();
  port = await freePort();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('XAPS_')),
  );
  serve = spawnCli(
    ['serve'],
    {
      ...inherited,
      ...setup.env(),
      // The Key ID comes from the AuthKey_<KEYID>.p8 file name.
      XAPS_APNS_KEY_ID: '',
      XAPS_DATA_DIR: join(setup.temp.path, 'data'),
      XAPS_LISTEN: `127.0.0.1:${port}`,
      XAPS_LOG_LEVEL: 'DEBUG',
    },
    'xaps serve (token key)',
  );
  await serve.waitForLine((line) => logRecord(line)?.message === 'xaps serve started');
});

afterAll(async () => {
  if (serve?.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  await setup?.close();
});

function post(path: string, body: object) {
  return sendOnce(port, pluginRequest(path, JSON.stringify(body)));
}

describe.sequential('xaps serve with a token key', () => {
  it('logs the token key as loaded', async () => {
    const line = await serve.waitForLine(
      (candidate) => logRecord(candidate)?.message === 'APNs credential loaded',
    );

    expect(logRecord(line)).toMatchObject({
      kind: 'token-key',
      topic: setup.topic,
      environment: 'both',
    });
  });

  it('answers /register with XAPS_APNS_TOPIC', async () => {
    const response = await post('/register', {
      ApsAccountId: randomUUID().toUpperCase(),
      ApsDeviceToken: deviceToken.toUpperCase(),
      ApsSubtopic: 'com.apple.mobilemail',
      Username: 'dana@example.com',
      Mailboxes: ['INBOX'],
    });

    expect(response.status).toBe(200);
    expect(response.body).toBe(setup.topic);
  });

  it('pushes once with a valid JWT', async () => {
    const response = await post('/notify', {
      Username: 'dana@example.com',
      Mailbox: 'INBOX',
      Events: ['MessageNew'],
    });
    await serve.waitForLine(
      (line) =>
        logRecord(line)?.message === 'push delivered' &&
        logRecord(line)?.user === 'dana@example.com',
    );
    const pushes = setup.standin.received;
    const jwt = decodeBearerToken(pushes[0]?.headers.authorization);

    expect(response.status).toBe(200);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.status).toBe(200);
    expect(pushes[0]?.deviceToken).toBe(deviceToken);
    expect(pushes[0]?.headers['apns-topic']).toBe(setup.topic);
    expect(jwt.header).toEqual({ alg: 'ES256', kid: setup.keyId });
    expect(jwt.claims.iss).toBe(setup.teamId);
    expect(jwt.signedBy(setup.key.publicKeyPem)).toBe(true);
    expect(setup.standin.clientCertificates).toBe(0);
  });

  it('logs no key or JWT', () => {
    const text = serve.lines.map((line) => line.text).join('\n');
    const jwt = String(setup.standin.received[0]?.headers.authorization).slice(7);
    const keyBody = setup.key.keyPem.split('\n').slice(1, -2).join('');

    expect(serve.lines.length).toBeGreaterThan(3);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(keyBody.slice(0, 40));
    expect(text).not.toContain(jwt);
    expect(text.toLowerCase()).not.toContain(deviceToken);
  });
});
