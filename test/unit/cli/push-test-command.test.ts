import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import type { Env } from '../../../shared/config/env.js';
import { SqliteRegistrationStore } from '../../../shared/registrations/sqlite-store.js';
import { ApnsStandin } from '../../support/apns-standin.js';
import {
  createTempDir,
  createTestPki,
  type TempDir,
  writePemFiles,
} from '../../support/pki.js';
import {
  randomDeviceToken,
  registrationInput,
} from '../../support/registrations-fixtures.js';

const pki = createTestPki();
let temp: TempDir;
let standin: ApnsStandin;
let baseEnv: Env;
let store: SqliteRegistrationStore;
let user: string;
let userCounter = 0;

beforeAll(async () => {
  temp = await createTempDir('xaps-cli-push-');
  const { certPath, keyPath } = await writePemFiles(temp.path, pki.client);
  const caFile = join(temp.path, 'ca.pem');
  await writeFile(caFile, pki.ca.certPem);
  standin = await ApnsStandin.start({
    ca: pki.ca.certPem,
    cert: pki.server.certPem,
    key: pki.server.keyPem,
  });
  baseEnv = {
    XAPS_DATA_DIR: temp.path,
    XAPS_APNS_CERT: certPath,
    XAPS_APNS_KEY: keyPath,
    XAPS_APNS_ENDPOINT: standin.url,
    XAPS_APNS_CA: caFile,
    XAPS_LOG_LEVEL: 'ERROR',
  };
  store = new SqliteRegistrationStore(join(temp.path, 'registrations.sqlite'));
});

afterAll(async () => {
  await store.close();
  await standin.close();
  await temp.remove();
});

beforeEach(() => {
  userCounter += 1;
  user = `user${userCounter}@example.com`;
});

afterEach(() => {
  standin.release();
});

async function xaps(env: Env, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

async function registerDevice(): Promise<string> {
  const deviceToken = randomDeviceToken();
  await store.upsert(
    registrationInput({ user, deviceToken, topic: pki.client.topic ?? '' }),
  );
  return deviceToken;
}

describe('xaps push test', () => {
  it('prints each delivered response', async () => {
    const token = await registerDevice();

    const result = await xaps(baseEnv, 'push', 'test', '--user', user);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${token.slice(0, 8)}…  200  delivered\n`);
    expect(standin.delivered.some((push) => push.deviceToken === token)).toBe(true);
  });

  it('prints rejection and fails', async () => {
    const token = await registerDevice();
    standin.program(token, {
      status: 410,
      reason: 'Unregistered',
      timestamp: Date.now(),
    });

    const result = await xaps(baseEnv, 'push', 'test', '--user', user);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${token.slice(0, 8)}…  410 Unregistered  token-dead\n`);
    expect(result.stderr).toContain('1 of 1 push(es) were not delivered');
  });

  it('keeps registrations after rejection', async () => {
    const token = await registerDevice();
    standin.program(token, {
      status: 410,
      reason: 'Unregistered',
      timestamp: Date.now(),
    });

    await xaps(baseEnv, 'push', 'test', '--user', user);

    expect(await store.listByUser(user)).toHaveLength(1);
  });

  it('prints JSON responses', async () => {
    const token = await registerDevice();
    standin.program(token, { status: 400, reason: 'BadDeviceToken' });

    const result = await xaps(baseEnv, 'push', 'test', '--user', user, '--json');

    expect(JSON.parse(result.stdout)).toEqual([
      {
        tokenPrefix: token.slice(0, 8),
        status: 400,
        reason: 'BadDeviceToken',
        outcome: 'token-dead',
      },
    ]);
  });

  it('fails for a user without devices', async () => {
    const result = await xaps(baseEnv, 'push', 'test', '--user', user);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${user} has no registered devices`);
  });

  it('names the credential variables', async () => {
    await registerDevice();
    const env = { XAPS_DATA_DIR: temp.path };

    const result = await xaps(env, 'push', 'test', '--user', user);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('XAPS_APNS_CERT');
    expect(result.stderr).toContain('XAPS_APNS_P12');
  });

  it('reports an unreadable CA file', async () => {
    await registerDevice();
    const env = { ...baseEnv, XAPS_APNS_CA: join(temp.path, 'missing-ca.pem') };

    const result = await xaps(env, 'push', 'test', '--user', user);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('XAPS_APNS_CA');
  });
});
