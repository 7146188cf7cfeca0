import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../cli/program.js';
import type { Env } from '../../shared/config/env.js';
import { CredentialError } from '../../shared/credentials/errors.js';
import { createLogger } from '../../shared/log/logger.js';
import { loadShimConfig } from '../../shim/config.js';
import { type LocalMode, startLocalMode } from '../../shim/local-mode.js';
import { generateRsaKeyPem } from '../support/pki.js';
import { decodeBearerToken } from '../support/provider-token-check.js';
import { startTokenKeySetup, type TokenKeySetup } from '../support/token-key-setup.js';
import { pluginRequest, sendOnce } from '../unit/shim/raw-http.js';

// `xaps serve` (the local mode, in-process) with a token key, against the stand-in in
// bearer-token mode, which accepts a push only with a JWT its public key verifies.
let setup: TokenKeySetup;
let running: LocalMode | undefined;
let dirCount = 0;

beforeAll(async () => {
  setup = await startTokenKeySetup();
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

afterAll(async () => {
  await setup?.close();
});

function dataDir(): string {
  dirCount += 1;
  return join(setup.temp.path, `data-${dirCount}`);
}

function quietLogger() {
  const logger = createLogger('xaps-test');
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation(() => {});
  }
  return logger;
}

async function serve(env: Env): Promise<number> {
  const config = loadShimConfig(env);
  config.listen = { host: '127.0.0.1', port: 0, loopback: true };
  running = await startLocalMode(config, quietLogger());
  return Number(running.address.split(':').pop());
}

function register(port: number, user: string, deviceToken: string) {
  const body = JSON.stringify({
    ApsAccountId: randomUUID().toUpperCase(),
    ApsDeviceToken: deviceToken.toUpperCase(),
    ApsSubtopic: 'com.apple.mobilemail',
    Username: user,
    Mailboxes: ['INBOX'],
  });
  return sendOnce(port, pluginRequest('/register', body));
}

async function notifyAndWait(port: number, user: string, deviceToken: string) {
  const body = JSON.stringify({
    Username: user,
    Mailbox: 'INBOX',
    Events: ['MessageNew'],
  });
  await sendOnce(port, pluginRequest('/notify', body));
  const deadline = Date.now() + 10_000;
  const answered = () =>
    setup.standin.received.filter(
      (push) => push.deviceToken === deviceToken && push.status !== undefined,
    );
  while (answered().length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return answered();
}

async function xaps(env: Env, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}

describe('xaps serve with XAPS_APNS_TOKEN_KEY', () => {
  it('answers /register with XAPS_APNS_TOPIC', async () => {
    const port = await serve({ ...setup.env(), XAPS_DATA_DIR: dataDir() });

    const response = await register(
      port,
      'alice@example.com',
      randomBytes(32).toString('hex'),
    );

    expect(response.status).toBe(200);
    expect(response.body).toBe(setup.topic);
  });

  it('pushes with a verified JWT', async () => {
    const port = await serve({ ...setup.env(), XAPS_DATA_DIR: dataDir() });
    const token = randomBytes(32).toString('hex');
    await register(port, 'bob@example.com', token);
    const certificatesBefore = setup.standin.clientCertificates;

    const pushes = await notifyAndWait(port, 'bob@example.com', token);
    const jwt = decodeBearerToken(pushes[0]?.headers.authorization);

    expect(pushes.map((push) => push.status)).toEqual([200]);
    expect(pushes[0]?.headers['apns-topic']).toBe(setup.topic);
    expect(jwt.header).toEqual({ alg: 'ES256', kid: setup.keyId });
    expect(jwt.claims.iss).toBe(setup.teamId);
    expect(jwt.signedBy(setup.key.publicKeyPem)).toBe(true);
    expect(setup.standin.clientCertificates).toBe(certificatesBefore);
  });

  it('reports the token key in /health', async () => {
    const port = await serve({ ...setup.env(), XAPS_DATA_DIR: dataDir() });

    const response = await fetch(`http://127.0.0.1:${port}/health`);
    const report = (await response.json()) as { credential: unknown };

    expect(response.status).toBe(200);
    expect(report.credential).toEqual({
      loaded: true,
      kind: 'token-key',
      topic: setup.topic,
      notAfter: null,
      environment: 'both',
      expired: false,
    });
  });

  it('refuses an RSA key file', async () => {
    const rsaPath = join(setup.temp.path, 'AuthKey_RSA0000000.p8');
    await writeFile(rsaPath, generateRsaKeyPem());
    const env = {
      ...setup.env(),
      XAPS_APNS_TOKEN_KEY: rsaPath,
      XAPS_DATA_DIR: dataDir(),
    };

    const failure = await serve(env).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CredentialError);
    expect((failure as Error).message).toContain(`token key file '${rsaPath}'`);
    expect((failure as Error).message).toContain('not EC P-256');
  });
});

describe('xaps credential import --p8 locally', () => {
  function importArgs(): string[] {
    return ['credential', 'import', '--p8', setup.keyPath, '--team-id', setup.teamId];
  }

  it('copies the key for xaps serve', async () => {
    const dir = dataDir();
    const imported = await xaps(
      { XAPS_DATA_DIR: dir },
      ...importArgs(),
      '--topic',
      setup.topic,
    );
    const { XAPS_APNS_ENDPOINT, XAPS_APNS_CA } = setup.env();
    const port = await serve({ XAPS_DATA_DIR: dir, XAPS_APNS_ENDPOINT, XAPS_APNS_CA });
    const token = randomBytes(32).toString('hex');
    const answer = await register(port, 'carol@example.com', token);
    const pushes = await notifyAndWait(port, 'carol@example.com', token);

    expect(imported.code).toBe(0);
    expect(imported.out).toContain(`copied the token key ${setup.keyId}`);
    expect(answer.body).toBe(setup.topic);
    expect(pushes.map((push) => push.status)).toEqual([200]);
  });
});
