import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import {
  readCredentialConfig,
  readStoredCredential,
} from '../../../shared/credentials/secret-store.js';
import { awsClientSettings } from '../../support/aws-env.js';
import { createTempDir, generateTokenKey, type TempDir } from '../../support/pki.js';
import { useCredentialTarget } from './credential-fixture.js';

const target = useCredentialTarget('credential-import-token');
const TOPIC = 'com.apple.mobilemail.push.com.example.mail.xaps-import-token-test';
const key = generateTokenKey();
let temp: TempDir;
let keyPath: string;

beforeAll(async () => {
  temp = await createTempDir('xaps-import-token-');
  keyPath = join(temp.path, 'AuthKey_ABC123DEFG.p8');
  await writeFile(keyPath, key.keyPem, { mode: 0o600 });
});

afterAll(async () => {
  await temp.remove();
});

async function xaps(args: string[]) {
  let out = '';
  let err = '';
  const status = await runCli(args, {
    env: {},
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { status, out, err };
}

function importArgs(secretId: string, ...extra: string[]): string[] {
  return [
    'credential',
    'import',
    '--p8',
    keyPath,
    '--team-id',
    'DEF123GHIJ',
    '--secret',
    secretId,
    '--table',
    target().tableName,
    ...extra,
  ];
}

describe('xaps credential import --p8 into AWS', () => {
  it('stores a token-key credential', async () => {
    const secretId = await target().newSecret();

    const run = await xaps(importArgs(secretId, '--topic', TOPIC));
    const { credential } = await readStoredCredential(target().secrets, secretId);

    expect(run.status).toBe(0);
    expect(run.out).toContain(`stored the token key for topic ${TOPIC}`);
    expect(credential).toMatchObject({
      formatVersion: 1,
      kind: 'token-key',
      topic: TOPIC,
      environment: 'production',
      notAfter: null,
      keyId: 'ABC123DEFG',
      teamId: 'DEF123GHIJ',
      keyPem: key.keyPem,
    });
  });

  it('records the config item', async () => {
    const secretId = await target().newSecret();

    await xaps(importArgs(secretId, '--topic', TOPIC, '--environment', 'sandbox'));
    const dynamodb = new DynamoDBClient(awsClientSettings());
    const config = await readCredentialConfig(dynamodb, target().tableName).finally(() =>
      dynamodb.destroy(),
    );
    const stages = await target().stagesOf(secretId);

    expect(config).toMatchObject({
      kind: 'token-key',
      topic: TOPIC,
      environment: 'sandbox',
      notAfter: null,
    });
    expect(stages[config?.secretVersionId ?? '']).toContain('AWSCURRENT');
  });

  it('refuses an invalid team id', async () => {
    const secretId = await target().newSecret();
    const args = importArgs(secretId, '--topic', TOPIC);
    args[args.indexOf('DEF123GHIJ')] = 'team-1';

    const run = await xaps(args);

    expect(run.status).toBe(1);
    expect(run.err).toMatch(/team id 'team-1' is invalid.*nothing was stored/);
    expect(await target().stagesOf(secretId)).toEqual({});
  });

  it('refuses --p8 with a certificate', async () => {
    const run = await xaps(importArgs('unused', '--topic', TOPIC, '--cert', 'push.pem'));

    expect(run.status).toBe(1);
    expect(run.err).toContain('give either --p8 (a token key) or a certificate');
  });
});
