import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import type { Env } from '../../../shared/config/env.js';
import {
  readCredentialConfig,
  readStoredCredential,
} from '../../../shared/credentials/secret-store.js';
import { awsClientSettings } from '../../support/aws-env.js';
import {
  createTempDir,
  createTestCa,
  issuePushCertificate,
  type PushCertificateOptions,
  type TempDir,
  writeModernPkcs12,
  writePemFiles,
  xserverTopic,
} from '../../support/pki.js';
import { useCredentialTarget } from './credential-fixture.js';

const target = useCredentialTarget('credential-import');
const ca = createTestCa();
let temp: TempDir;

beforeAll(async () => {
  temp = await createTempDir('xaps-credential-import-');
});

afterAll(async () => {
  await temp.remove();
});

/** Runs the CLI and returns its exit status and output. */
async function xaps(args: string[], env: Env = {}) {
  let out = '';
  let err = '';
  const status = await runCli(args, {
    env,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { status, out, err };
}

/** Writes a PEM pair for a new push certificate and returns the import arguments. */
async function pemArgs(options: PushCertificateOptions): Promise<string[]> {
  const identity = issuePushCertificate(ca, options);
  const { certPath, keyPath } = await writePemFiles(temp.path, identity, randomUUID());
  return ['--cert', certPath, '--key', keyPath];
}

function targetArgs(secretId: string): string[] {
  return ['--secret', secretId, '--table', target().tableName];
}

async function configItem() {
  const dynamodb = new DynamoDBClient(awsClientSettings());
  try {
    return await readCredentialConfig(dynamodb, target().tableName);
  } finally {
    dynamodb.destroy();
  }
}

describe('xaps credential import', () => {
  it('stores an XServer certificate', async () => {
    const secretId = await target().newSecret();
    const topic = xserverTopic();

    const run = await xaps([
      'credential',
      'import',
      ...(await pemArgs({ topic })),
      ...targetArgs(secretId),
    ]);
    const { credential } = await readStoredCredential(target().secrets, secretId);

    expect(run.status).toBe(0);
    expect(credential.kind).toBe('xserver-certificate');
    expect(credential.topic).toBe(topic);
    expect((credential as { serialNumber?: string }).serialNumber).toMatch(/^[0-9a-f]+$/);
  });

  it('stores a developer PKCS#12 file', async () => {
    const secretId = await target().newSecret();
    const topic = `com.apple.mobilemail.push.com.example.${randomUUID()}`;
    const identity = issuePushCertificate(ca, { topic, environment: 'sandbox' });
    const p12 = await writeModernPkcs12(
      temp.path,
      identity,
      'export-pass',
      `${randomUUID()}.p12`,
    );

    const run = await xaps(
      ['credential', 'import', '--p12', p12, ...targetArgs(secretId)],
      {
        XAPS_APNS_P12_PASSPHRASE: 'export-pass',
      },
    );
    const { credential } = await readStoredCredential(target().secrets, secretId);

    expect(run.status).toBe(0);
    expect(credential.kind).toBe('developer-certificate');
    expect(credential.environment).toBe('sandbox');
  });

  it('records the config item', async () => {
    const secretId = await target().newSecret();
    const topic = xserverTopic();

    await xaps([
      'credential',
      'import',
      ...(await pemArgs({ topic })),
      ...targetArgs(secretId),
    ]);
    const stages = await target().stagesOf(secretId);
    const config = await configItem();

    expect(config?.topic).toBe(topic);
    expect(config?.environment).toBe('production');
    expect(stages[config?.secretVersionId ?? '']).toContain('AWSCURRENT');
  });

  it('prints JSON on request', async () => {
    const secretId = await target().newSecret();

    const run = await xaps([
      'credential',
      'import',
      ...(await pemArgs({})),
      ...targetArgs(secretId),
      '--json',
    ]);
    const printed = JSON.parse(run.out) as { secretId: string; versionId: string };

    expect(printed.secretId).toBe(secretId);
    expect(Object.keys(await target().stagesOf(secretId))).toEqual([printed.versionId]);
  });
});

describe('xaps credential import refusals', () => {
  it('refuses an expired certificate', async () => {
    const secretId = await target().newSecret();
    const validity = {
      notBefore: new Date('2020-01-01'),
      notAfter: new Date('2021-01-01'),
    };

    const run = await xaps([
      'credential',
      'import',
      ...(await pemArgs({ validity })),
      ...targetArgs(secretId),
    ]);

    expect(run.status).toBe(1);
    expect(run.err).toMatch(/expired on 2021-01-01.*nothing was stored/);
    expect(await target().stagesOf(secretId)).toEqual({});
  });

  it('asks for the secret', async () => {
    const run = await xaps([
      'credential',
      'import',
      ...(await pemArgs({})),
      '--table',
      'unused',
    ]);

    expect(run.status).toBe(1);
    expect(run.err).toContain(
      '--secret is missing: give it, or set XAPS_CREDENTIAL_SECRET_ID',
    );
  });

  it('names a secret it cannot find', async () => {
    const missing = `xaps-missing-${randomUUID()}`;

    const run = await xaps([
      'credential',
      'import',
      ...(await pemArgs({})),
      ...targetArgs(missing),
    ]);

    expect(run.status).toBe(1);
    expect(run.err).toContain(`secret '${missing}'`);
  });

  it('refuses PEM and PKCS#12 together', async () => {
    const run = await xaps([
      'credential',
      'import',
      ...(await pemArgs({})),
      '--p12',
      'x.p12',
      ...targetArgs('unused'),
    ]);

    expect(run.status).toBe(1);
    expect(run.err).toContain('give either --p12 or --cert with --key, not both');
  });
});
