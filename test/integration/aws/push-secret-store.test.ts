import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PushSender } from '../../../shared/apns/types.js';
import { ActiveCredentialCache } from '../../../shared/credentials/active-credential.js';
import { credentialConfigItem } from '../../../shared/credentials/credential-config-item.js';
import {
  readCredentialConfig,
  readStoredCredential,
} from '../../../shared/credentials/secret-store.js';
import {
  CREDENTIAL_CONFIG_KEY,
  type CredentialConfig,
} from '../../../shared/credentials/stored-credential.js';
import { silentLogger } from '../../support/apns-standin-harness.js';
import {
  createTestSecret,
  type TestSecret,
  useTestTable,
} from '../../support/aws-resources.js';
import { createTestPki } from '../../support/pki.js';
import { developerCertificate } from './push-harness.js';

const table = useTestTable('push-secret-store');
const pki = createTestPki();
const first = developerCertificate(pki.client);
let secret: TestSecret;

beforeAll(async () => {
  secret = await createTestSecret('push-secret-store', JSON.stringify(first));
});

afterAll(async () => {
  await secret?.dispose();
});

function configFor(versionId: string): CredentialConfig {
  const { topic, kind, environment, notAfter } = first;
  return {
    topic,
    kind,
    environment,
    notAfter,
    secretVersionId: versionId,
    updatedAt: 'now',
  };
}

async function putConfigItem(item: Record<string, unknown>): Promise<void> {
  const doc = DynamoDBDocumentClient.from(table().client);
  await doc.send(new PutCommand({ TableName: table().tableName, Item: item }));
}

describe('readStoredCredential', () => {
  it('reads the AWSCURRENT version', async () => {
    const read = await readStoredCredential(secret.client, secret.secretId);

    expect(read.versionId).toBe(secret.firstVersionId);
    expect(read.credential.topic).toBe(first.topic);
  });

  it('names a missing secret', async () => {
    const reading = readStoredCredential(secret.client, 'xaps-test-missing-secret');

    await expect(reading).rejects.toThrow(
      /'xaps-test-missing-secret'.*xaps credential import/,
    );
  });

  it('rejects a newer formatVersion', async () => {
    const newer = await createTestSecret(
      'push-format',
      JSON.stringify({ formatVersion: 2 }),
    );
    try {
      const reading = readStoredCredential(newer.client, newer.secretId);
      await expect(reading).rejects.toThrow(/formatVersion 2, newer than the 1/);
    } finally {
      await newer.dispose();
    }
  });
});

describe('readCredentialConfig', () => {
  beforeEach(async () => {
    const doc = DynamoDBDocumentClient.from(table().client);
    await doc.send(
      new DeleteCommand({ TableName: table().tableName, Key: CREDENTIAL_CONFIG_KEY }),
    );
  });

  it('returns undefined without the item', async () => {
    expect(await readCredentialConfig(table().client, table().tableName)).toBeUndefined();
  });

  it('reads what credentialConfigItem wrote', async () => {
    const config = configFor('v-1');
    await putConfigItem(credentialConfigItem(config));

    expect(await readCredentialConfig(table().client, table().tableName)).toEqual(config);
  });

  it('names an invalid attribute', async () => {
    await putConfigItem({
      ...credentialConfigItem(configFor('v-1')),
      environment: 'staging',
    });
    const reading = readCredentialConfig(table().client, table().tableName);

    await expect(reading).rejects.toThrow(/invalid or missing environment/);
  });
});

describe('ActiveCredentialCache', () => {
  const senders: Array<PushSender & { closed: boolean }> = [];
  const endpoints: string[] = [];
  const cache = () =>
    new ActiveCredentialCache({
      secrets: secret.client,
      dynamo: table().client,
      tableName: table().tableName,
      secretId: secret.secretId,
      endpoint: undefined,
      priority: 5,
      ca: undefined,
      logger: silentLogger,
      createSender: (options) => {
        endpoints.push(options.endpoint);
        const sender = {
          closed: false,
          push: async () => ({ kind: 'delivered', status: 200, apnsId: 'x' }) as const,
          close: async () => {
            sender.closed = true;
          },
        };
        senders.push(sender);
        return sender;
      },
    });

  it('loads AWSCURRENT without a config item', async () => {
    const doc = DynamoDBDocumentClient.from(table().client);
    await doc.send(
      new DeleteCommand({ TableName: table().tableName, Key: CREDENTIAL_CONFIG_KEY }),
    );
    const active = await cache().current();

    expect(active.versionId).toBe(secret.firstVersionId);
  });

  it('pushes to the credential environment', async () => {
    await putConfigItem(credentialConfigItem(configFor(secret.firstVersionId)));
    await cache().current();

    expect(endpoints.at(-1)).toBe('production');
  });

  it('keeps the sender while the version holds', async () => {
    await putConfigItem(credentialConfigItem(configFor(secret.firstVersionId)));
    const credentials = cache();
    const a = await credentials.current();
    const b = await credentials.current();

    expect(b.sender).toBe(a.sender);
  });

  it('replaces the sender after rotation', async () => {
    await putConfigItem(credentialConfigItem(configFor(secret.firstVersionId)));
    const credentials = cache();
    const before = await credentials.current();
    const versionId = await secret.putValue(JSON.stringify(first));
    await putConfigItem(credentialConfigItem(configFor(versionId)));
    const after = await credentials.current();

    expect(after.versionId).toBe(versionId);
    expect(after.sender).not.toBe(before.sender);
    expect(senders.find((sender) => sender === before.sender)?.closed).toBe(true);
  });
});
