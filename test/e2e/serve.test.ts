import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApnsStandin } from '../support/apns-standin.js';
import {
  createTempDir,
  createTestPki,
  type TempDir,
  writeModernPkcs12,
} from '../support/pki.js';
import { pluginRequest, sendOnce } from '../unit/shim/raw-http.js';
import {
  allOutput,
  freePort,
  logRecord,
  type OutputLine,
  runCliToEnd,
  type ServeProcess,
  spawnCli,
} from './processes.js';

const PASSPHRASE = `e2e-passphrase-${randomBytes(6).toString('hex')}`;
const pki = createTestPki();
const topic = pki.client.topic ?? '';

let temp: TempDir;
let standin: ApnsStandin;
let serve: ServeProcess;
let port: number;
let env: NodeJS.ProcessEnv;
const tokensUsed: string[] = [];

/** Creates a device; register() sends its token in upper case, as iOS does. */
function newDevice() {
  const token = randomBytes(32).toString('hex');
  tokensUsed.push(token);
  return { token, accountId: randomUUID().toUpperCase() };
}

function register(user: string, device: { token: string; accountId: string }) {
  const body = JSON.stringify({
    ApsAccountId: device.accountId,
    ApsDeviceToken: device.token.toUpperCase(),
    ApsSubtopic: 'com.apple.mobilemail',
    Username: user,
    Mailboxes: ['INBOX', 'Sent Messages'],
  });
  return sendOnce(port, pluginRequest('/register', body));
}

function notify(user: string, mailbox = 'INBOX', events = ['MessageNew']) {
  const body = JSON.stringify({ Username: user, Mailbox: mailbox, Events: events });
  return sendOnce(port, pluginRequest('/notify', body));
}

/** Waits for a serve log line whose JSON has every given field. */
function waitForLog(fields: Record<string, unknown>): Promise<OutputLine> {
  return serve.waitForLine((line) => {
    const record = logRecord(line);
    return (
      record !== undefined &&
      Object.entries(fields).every(([key, value]) => record[key] === value)
    );
  });
}

function pushesTo(token: string) {
  return standin.received.filter((push) => push.deviceToken === token);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  temp = await createTempDir('xaps-e2e-');
  const p12Path = await writeModernPkcs12(temp.path, pki.client, PASSPHRASE);
  const caFile = join(temp.path, 'test-ca.pem');
  await writeFile(caFile, pki.ca.certPem);
  standin = await ApnsStandin.start({
    ca: pki.ca.certPem,
    cert: pki.server.certPem,
    key: pki.server.keyPem,
  });
  port = await freePort();

  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('XAPS_')),
  );
  env = {
    ...inherited,
    XAPS_DATA_DIR: join(temp.path, 'data'),
    XAPS_APNS_P12: p12Path,
    XAPS_APNS_P12_PASSPHRASE: PASSPHRASE,
    XAPS_APNS_ENDPOINT: standin.url,
    XAPS_APNS_CA: caFile,
    XAPS_LISTEN: `127.0.0.1:${port}`,
    XAPS_LOG_LEVEL: 'DEBUG',
  };
  serve = spawnCli(['serve'], env, 'xaps serve');
  await waitForLog({ message: 'xaps serve started' });
});

afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGKILL');
  }
  await standin?.close();
  await temp?.remove();
});

describe.sequential('xaps serve with the Dovecot plugin API', () => {
  const alice = newDevice();
  let aliceRegisteredAt = 0;

  it('registers with certificate UID topic', async () => {
    aliceRegisteredAt = Date.now();
    const response = await register('alice@example.com', alice);

    expect(response.status).toBe(200);
    expect(response.body).toBe(topic);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(topic)));
  });

  it('pushes once for new INBOX mail', async () => {
    const response = await notify('alice@example.com');
    await waitForLog({ message: 'push delivered', user: 'alice@example.com' });

    expect(response.status).toBe(200);
    const pushes = pushesTo(alice.token);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.status).toBe(200);
    expect(pushes[0]?.headers['apns-topic']).toBe(topic);
    expect(pushes[0]?.headers['apns-push-type']).toBe('background');
    expect(JSON.parse(pushes[0]?.body ?? '')).toEqual({
      aps: { 'account-id': alice.accountId },
    });
  });

  it('ignores events that are not configured', async () => {
    const response = await notify('alice@example.com', 'INBOX', ['FlagsSet']);

    expect(response.status).toBe(204);
    expect(pushesTo(alice.token)).toHaveLength(1);
  });

  it('keeps device that registered after 410', async () => {
    standin.program(alice.token, {
      status: 410,
      reason: 'Unregistered',
      timestamp: aliceRegisteredAt - 3_600_000,
    });

    await notify('alice@example.com');
    const line = await waitForLog({ reason: 'token-dead', user: 'alice@example.com' });

    expect(logRecord(line)?.removed).toBe(false);
    const listed = await runCliToEnd(
      ['registrations', 'list', '--user', 'alice@example.com', '--json'],
      env,
    );
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });

  it('removes device dead after refresh', async () => {
    standin.program(alice.token, {
      status: 410,
      reason: 'Unregistered',
      timestamp: Date.now(),
    });

    await notify('alice@example.com');
    await waitForLog({ reason: 'token-dead', user: 'alice@example.com', removed: true });

    const listed = await runCliToEnd(
      ['registrations', 'list', '--user', 'alice@example.com', '--json'],
      env,
    );
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  const bob = newDevice();

  it('completes /notify while APNs holds', async () => {
    await register('bob@example.com', bob);
    standin.hold();

    const response = await notify('bob@example.com');
    await until(() => pushesTo(bob.token).length === 1, 'the held push to arrive');

    expect(response.status).toBe(200);
    expect(pushesTo(bob.token)[0]?.status).toBeUndefined();
    standin.release();
    await waitForLog({ message: 'push delivered', user: 'bob@example.com' });
  });

  const carol = Array.from({ length: 20 }, () => newDevice());

  it('sends many pushes over one session', async () => {
    for (const device of carol) {
      await register('carol@example.com', device);
    }
    const connectionsBefore = standin.tlsConnections;

    await notify('carol@example.com');
    await until(
      () => carol.every((device) => pushesTo(device.token).some((p) => p.status === 200)),
      'every carol device to get a push',
    );

    const sessions = new Set(carol.map((device) => pushesTo(device.token)[0]?.session));
    expect(sessions.size).toBe(1);
    expect(standin.tlsConnections).toBe(connectionsBefore);
  });

  it('loses no push across GOAWAY', async () => {
    standin.goaway({ afterRequests: 5 });

    await notify('carol@example.com');
    await until(
      () =>
        carol.every(
          (device) => pushesTo(device.token).filter((p) => p.status === 200).length === 2,
        ),
      'every carol device to get its second push',
    );

    const secondRound = carol.map((device) => pushesTo(device.token).slice(1));
    const sessions = new Set(secondRound.flat().map((push) => push.session));
    expect(standin.goaways).toHaveLength(1);
    expect(sessions.size).toBe(2);
    for (const device of carol) {
      expect(pushesTo(device.token).filter((p) => p.status === 200)).toHaveLength(2);
    }
  });

  it('rejects second serve on data dir', async () => {
    const secondEnv = { ...env, XAPS_LISTEN: `127.0.0.1:${await freePort()}` };
    const second = await runCliToEnd(['serve'], secondEnv);

    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('already served');
  });

  it('prints APNs responses for push test', async () => {
    const result = await runCliToEnd(['push', 'test', '--user', 'bob@example.com'], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${bob.token.slice(0, 8)}…  200  delivered\n`);
  });

  it('prints JSON for push test', async () => {
    const result = await runCliToEnd(
      ['push', 'test', '--user', 'bob@example.com', '--json'],
      env,
    );

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({
        tokenPrefix: bob.token.slice(0, 8),
        status: 200,
        outcome: 'delivered',
      }),
    ]);
  });

  it('lists registrations by token prefix', async () => {
    const result = await runCliToEnd(
      ['registrations', 'list', '--user', 'Carol@Example.com'],
      env,
    );

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('carol@example.com: 20 device(s)');
    for (const device of carol) {
      expect(result.stdout).toContain(`${device.token.slice(0, 8)}…`);
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    serve.child.kill('SIGTERM');
    const code = await serve.exited;
    const lastLines = serve.lines.slice(-8).map((line) => line.text);

    expect(code, lastLines.join('\n')).toBe(0);
    expect(
      serve.lines.some((line) => logRecord(line)?.message === 'xaps serve stopped'),
    ).toBe(true);
  });

  it('logs no token, key or passphrase', () => {
    const text = allOutput.map((line) => line.text).join('\n');
    const keyBody = pki.client.keyPem.split('\n').slice(2, -3).join('');

    expect(allOutput.length).toBeGreaterThan(20);
    for (const token of tokensUsed) {
      expect(text.toLowerCase()).not.toContain(token);
    }
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(keyBody.slice(0, 64));
    expect(text).not.toContain(PASSPHRASE);
  });

  it('writes serve stdout as JSON lines', () => {
    const stdout = serve.lines.filter((line) => line.stream === 'stdout');

    expect(stdout.length).toBeGreaterThan(0);
    expect(stdout.filter((line) => logRecord(line) === undefined)).toEqual([]);
  });
});
