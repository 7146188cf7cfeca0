import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { writeCredential } from '../../../shared/credentials/credential-writer.js';
import {
  readCredentialConfig,
  readStoredCredential,
} from '../../../shared/credentials/secret-store.js';
import type { StoredDeveloperCertificate } from '../../../shared/credentials/stored-credential.js';
import { awsClientSettings } from '../../support/aws-env.js';
import { useCredentialTarget } from './credential-fixture.js';

const target = useCredentialTarget('credential-writer');

/** Builds a stored credential with placeholder PEM text, which the writer stores as given. */
function developerCredential(topic: string): StoredDeveloperCertificate {
  return {
    formatVersion: 1,
    kind: 'developer-certificate',
    topic,
    environment: 'production',
    notAfter: '2027-12-01T00:00:00.000Z',
    storedAt: '2026-12-01T00:00:00.000Z',
    certPem: '-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n',
    keyPem: '-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----\n',
  };
}

async function write(secretId: string, tableName: string, topic: string) {
  const { secrets } = target();
  const dynamodb = new DynamoDBClient(awsClientSettings());
  try {
    return await writeCredential(
      { secrets, dynamodb, secretId, tableName },
      developerCredential(topic),
      new Date('2026-12-04T10:00:00.000Z'),
    );
  } finally {
    dynamodb.destroy();
  }
}

const topic = () => `com.apple.mobilemail.push.com.example.${randomUUID()}`;

describe('writeCredential', () => {
  it('makes the first version current', async () => {
    const secretId = await target().newSecret();

    const written = await write(secretId, target().tableName, topic());

    expect((await target().stagesOf(secretId))[written.versionId]).toContain(
      'AWSCURRENT',
    );
  });

  it('stores the credential as given', async () => {
    const secretId = await target().newSecret();
    const stored = topic();

    const written = await write(secretId, target().tableName, stored);
    const read = await readStoredCredential(target().secrets, secretId);

    expect(read.credential).toEqual(developerCredential(stored));
    expect(read.versionId).toBe(written.versionId);
  });

  it('writes the config item', async () => {
    const secretId = await target().newSecret();
    const stored = topic();

    const written = await write(secretId, target().tableName, stored);
    const dynamodb = new DynamoDBClient(awsClientSettings());
    const config = await readCredentialConfig(dynamodb, target().tableName);
    dynamodb.destroy();

    expect(config).toEqual({
      topic: stored,
      kind: 'developer-certificate',
      environment: 'production',
      notAfter: '2027-12-01T00:00:00.000Z',
      secretVersionId: written.versionId,
      updatedAt: '2026-12-04T10:00:00.000Z',
    });
  });

  it('keeps the previous version', async () => {
    const secretId = await target().newSecret();

    const first = await write(secretId, target().tableName, topic());
    const second = await write(secretId, target().tableName, topic());
    const stages = await target().stagesOf(secretId);

    expect(stages[second.versionId]).toContain('AWSCURRENT');
    expect(stages[first.versionId]).toContain('AWSPREVIOUS');
  });
});

describe('writeCredential failures', () => {
  it('names a missing secret', async () => {
    const missing = `xaps-missing-${randomUUID()}`;

    const failure = write(missing, target().tableName, topic());

    await expect(failure).rejects.toThrow(`secret '${missing}'`);
    await expect(failure).rejects.toThrow(/CredentialSecretArn output/);
  });

  it('names a missing table', async () => {
    const secretId = await target().newSecret();
    const missing = `xaps-missing-${randomUUID()}`;

    const failure = write(secretId, missing, topic());

    await expect(failure).rejects.toThrow(`table '${missing}'`);
    await expect(failure).rejects.toThrow(
      /is stored in secret .* as version .*import again/,
    );
  });

  it('keeps key material out', async () => {
    const missing = `xaps-missing-${randomUUID()}`;

    const error = await write(missing, target().tableName, topic()).catch(
      (caught: unknown) => caught as Error,
    );

    expect(String(error)).not.toContain('PRIVATE KEY');
  });
});
