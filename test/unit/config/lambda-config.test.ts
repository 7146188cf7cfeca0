import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadLambdaConfig,
  readMetricsNamespace,
} from '../../../shared/config/lambda-config.js';

const REQUIRED = {
  XAPS_TABLE_NAME: 'xaps-registrations',
  XAPS_CREDENTIAL_SECRET_ID: 'xaps/apns-credential',
};

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xaps-lambda-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadLambdaConfig', () => {
  it('reads the required settings', () => {
    const config = loadLambdaConfig(REQUIRED);

    expect(config.tableName).toBe('xaps-registrations');
    expect(config.credentialSecretId).toBe('xaps/apns-credential');
  });

  it('requires the table name', () => {
    const env = { ...REQUIRED, XAPS_TABLE_NAME: ' ' };

    expect(() => loadLambdaConfig(env)).toThrow(/XAPS_TABLE_NAME is required/);
  });

  it('requires the secret id', () => {
    const env = { XAPS_TABLE_NAME: 'xaps-registrations' };

    expect(() => loadLambdaConfig(env)).toThrow(/XAPS_CREDENTIAL_SECRET_ID is required/);
  });

  it('tells whether the endpoint is set', () => {
    const unset = loadLambdaConfig(REQUIRED);
    const set = loadLambdaConfig({ ...REQUIRED, XAPS_APNS_ENDPOINT: 'sandbox' });

    expect(unset.apnsEndpointSet).toBe(false);
    expect(set.apnsEndpointSet).toBe(true);
  });

  it('adds the CA file to the built-in roots', async () => {
    const caFile = join(dir, 'ca.pem');
    await writeFile(
      caFile,
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    );
    const config = loadLambdaConfig({ ...REQUIRED, XAPS_APNS_CA: caFile });

    expect(config.apnsCa).toHaveLength(rootCertificates.length + 1);
  });

  it('names an unreadable CA file', () => {
    const env = { ...REQUIRED, XAPS_APNS_CA: join(dir, 'missing.pem') };

    expect(() => loadLambdaConfig(env)).toThrow(
      /XAPS_APNS_CA='.*missing.pem' could not be read/,
    );
  });
});

describe('readMetricsNamespace', () => {
  it('defaults to xaps', () => {
    expect(readMetricsNamespace({})).toBe('xaps');
  });

  it('rejects the AWS namespace', () => {
    expect(() => readMetricsNamespace({ XAPS_METRICS_NAMESPACE: 'AWS/Lambda' })).toThrow(
      /XAPS_METRICS_NAMESPACE='AWS\/Lambda' is invalid/,
    );
  });
});
