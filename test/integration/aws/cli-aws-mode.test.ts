import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import type { Env } from '../../../shared/config/env.js';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import type { RegistrationInput } from '../../../shared/registrations/types.js';
import {
  createTestSecret,
  type TestSecret,
  useTestTable,
} from '../../support/aws-resources.js';
import { decodeBearerToken } from '../../support/provider-token-check.js';
import { registrationInput, uniqueUser } from '../../support/registrations-fixtures.js';
import { startTokenKeySetup, type TokenKeySetup } from '../../support/token-key-setup.js';
import { storedTokenKey } from './push-harness.js';

// The one-shot commands with XAPS_MODE=aws: registrations from the DynamoDB table, and
// for `push test` the token key stored in Secrets Manager, pushed to the token stand-in.
const table = useTestTable('cli-aws-mode');
let setup: TokenKeySetup;
let secret: TestSecret;
let store: DynamoDbRegistrationStore;

beforeAll(async () => {
  setup = await startTokenKeySetup();
  secret = await createTestSecret(
    'cli-aws-mode',
    JSON.stringify(storedTokenKey(setup.key)),
  );
  store = new DynamoDbRegistrationStore({
    client: table().client,
    tableName: table().tableName,
  });
});

afterAll(async () => {
  await secret?.dispose();
  await setup?.close();
});

/** Returns the environment of `xaps serve` in AWS mode, with no local database. */
function awsEnv(overrides: Env = {}): Env {
  return {
    XAPS_MODE: 'aws',
    XAPS_TABLE_NAME: table().tableName,
    XAPS_CREDENTIAL_SECRET_ID: secret.secretId,
    XAPS_DATA_DIR: setup.temp.path,
    XAPS_APNS_ENDPOINT: setup.standin.url,
    XAPS_APNS_CA: setup.caFile,
    XAPS_LOG_LEVEL: 'ERROR',
    ...overrides,
  };
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

async function registered(overrides: Partial<RegistrationInput> = {}) {
  const input = registrationInput({
    user: uniqueUser('cli'),
    topic: setup.topic,
    ...overrides,
  });
  await store.upsert(input);
  return input;
}

describe('xaps registrations with XAPS_MODE=aws', () => {
  it('lists devices from DynamoDB', async () => {
    const device = await registered();

    const result = await xaps(
      awsEnv(),
      'registrations',
      'list',
      '--user',
      device.user,
      '--json',
    );
    const listed = JSON.parse(result.out) as Array<{ tokenPrefix: string }>;

    expect(result.code).toBe(0);
    expect(listed.map((row) => row.tokenPrefix)).toEqual([
      device.deviceToken.slice(0, 8),
    ]);
  });

  it('deletes one device by prefix', async () => {
    const device = await registered();
    const other = await registered({ user: device.user });
    const prefix = device.deviceToken.slice(0, 12);

    const result = await xaps(
      awsEnv(),
      'registrations',
      'delete',
      '--user',
      device.user,
      '--token',
      prefix,
    );
    const left = await store.listByUser(device.user);

    expect(result.code).toBe(0);
    expect(left.map((row) => row.deviceToken)).toEqual([other.deviceToken]);
  });

  it('names a missing XAPS_TABLE_NAME', async () => {
    const result = await xaps(
      awsEnv({ XAPS_TABLE_NAME: undefined }),
      'registrations',
      'list',
      '--user',
      'alice@example.com',
    );

    expect(result.code).toBe(1);
    expect(result.err).toContain('XAPS_TABLE_NAME is required with XAPS_MODE=aws');
  });

  it('names a table it cannot read', async () => {
    const env = awsEnv({ XAPS_TABLE_NAME: 'xaps-test-no-such-table' });

    const result = await xaps(
      env,
      'registrations',
      'list',
      '--user',
      'alice@example.com',
    );

    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "DynamoDB table 'xaps-test-no-such-table' could not be used",
    );
    expect(result.err).not.toContain('    at ');
  });
});

describe('xaps push test with XAPS_MODE=aws', () => {
  it('pushes with the stored token key', async () => {
    const device = await registered();

    const result = await xaps(awsEnv(), 'push', 'test', '--user', device.user);
    const pushes = setup.standin.received.filter(
      (push) => push.deviceToken === device.deviceToken,
    );
    const jwt = decodeBearerToken(pushes[0]?.headers.authorization);

    expect(result.code).toBe(0);
    expect(result.out).toBe(`${device.deviceToken.slice(0, 8)}…  200  delivered\n`);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.headers['apns-topic']).toBe(setup.topic);
    expect(jwt.signedBy(setup.key.publicKeyPem)).toBe(true);
  });

  it('names a missing secret setting', async () => {
    const device = await registered();
    const env = awsEnv({ XAPS_CREDENTIAL_SECRET_ID: undefined });

    const result = await xaps(env, 'push', 'test', '--user', device.user);

    expect(result.code).toBe(1);
    expect(result.err).toContain('XAPS_CREDENTIAL_SECRET_ID is required');
  });

  it('names a secret it cannot find', async () => {
    const device = await registered();
    const env = awsEnv({ XAPS_CREDENTIAL_SECRET_ID: 'xaps-test-no-such-secret' });

    const result = await xaps(env, 'push', 'test', '--user', device.user);

    expect(result.code).toBe(1);
    expect(result.err).toContain("secret 'xaps-test-no-such-secret'");
    expect(result.err).not.toContain('    at ');
  });
});
