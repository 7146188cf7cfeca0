import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  DEVICE_TOKEN_INDEX,
  registrationKey,
  USERS_INDEX,
} from '../../../shared/registrations/dynamodb-schema.js';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import { REGISTRATION_TTL_MS } from '../../../shared/registrations/types.js';
import { awsClientSettings } from '../../support/aws-env.js';
import { useTestTable } from '../../support/aws-resources.js';
import { registrationInput, uniqueUser } from '../../support/registrations-fixtures.js';

const table = useTestTable('registration-items');

function openStore(maxDevicesPerUser?: number): DynamoDbRegistrationStore {
  const { client, tableName } = table();
  return new DynamoDbRegistrationStore({
    client,
    tableName,
    ...(maxDevicesPerUser !== undefined && { maxDevicesPerUser }),
  });
}

function rawItem(
  user: string,
  deviceToken: string,
): Promise<Record<string, unknown> | undefined> {
  const { client, tableName } = table();
  const doc = DynamoDBDocumentClient.from(client);
  return doc
    .send(
      new GetCommand({ TableName: tableName, Key: registrationKey(user, deviceToken) }),
    )
    .then((result) => result.Item);
}

describe('DynamoDB registration table', () => {
  it('declares both secondary indexes', async () => {
    const { client, tableName } = table();
    const { Table } = await client.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    const names = (Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName);

    expect(names).toContain(DEVICE_TOKEN_INDEX);
    expect(names).toContain(USERS_INDEX);
  });

  it('enables TTL on expiresAt', async () => {
    const { client, tableName } = table();
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );

    expect(TimeToLiveDescription?.AttributeName).toBe('expiresAt');
    expect(TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
  });

  it('stores TTL in epoch seconds', async () => {
    const store = openStore();
    const input = registrationInput();
    const now = 1_700_000_000_123;

    await store.upsert(input, now);
    const item = await rawItem(input.user, input.deviceToken);

    expect(item?.expiresAt).toBe(Math.ceil((now + REGISTRATION_TTL_MS) / 1000));
    expect(item?.expiresAtMs).toBe(now + REGISTRATION_TTL_MS);
  });

  it('purges expired rows on upsert', async () => {
    const store = openStore();
    const old = registrationInput();
    const later = Date.now() + REGISTRATION_TTL_MS + 1;

    await store.upsert(old, later - REGISTRATION_TTL_MS - 1);
    await store.upsert(registrationInput({ user: old.user }), later);

    expect(await rawItem(old.user, old.deviceToken)).toBeUndefined();
  });

  it('ignores items of other kinds', async () => {
    const { client, tableName } = table();
    const doc = DynamoDBDocumentClient.from(client);
    const user = uniqueUser('config');
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `USER#${user}`,
          sk: 'SETTINGS',
          user,
          expiresAtMs: Date.now() + 60_000,
        },
      }),
    );

    expect(await openStore().listUsers()).not.toContain(user);
    expect(await openStore().listByUser(user)).toEqual([]);
  });
});

describe('DynamoDB registration store', () => {
  it('keeps the cap under concurrent upserts', async () => {
    const store = openStore(3);
    const user = uniqueUser();
    const now = Date.now();
    const inputs = Array.from({ length: 8 }, () => registrationInput({ user }));

    const results = await Promise.all(
      inputs.map((input, i) => store.upsert(input, now + i)),
    );
    const stored = (await store.listByUser(user, now + 8)).map((r) => r.deviceToken);
    const evicted = results.flatMap((result) => result.evicted);
    const tokens = inputs.map((input) => input.deviceToken);

    expect(stored.length).toBeLessThanOrEqual(3);
    expect(stored.slice(0, 2)).toEqual([tokens[7], tokens[6]]);
    expect(new Set(evicted).size).toBe(evicted.length);
    expect([...evicted, ...stored].sort()).toEqual([...tokens].sort());
  });

  it('names the field of a corrupt item', async () => {
    const { client, tableName } = table();
    const input = registrationInput();
    const store = openStore();
    await store.upsert(input);
    const item = await rawItem(input.user, input.deviceToken);
    const doc = DynamoDBDocumentClient.from(client);
    await doc.send(
      new PutCommand({ TableName: tableName, Item: { ...item, mailboxes: 7 } }),
    );

    const error = await store.listByUser(input.user).catch((caught: unknown) => caught);

    expect(String(error)).toMatch(/invalid mailboxes 7/);
    expect(String(error)).not.toContain(input.deviceToken);
  });

  it('rejects a cap below one', () => {
    expect(() => openStore(0)).toThrow(/maxDevicesPerUser 0 is invalid/);
  });

  it('opens its own client from options', async () => {
    const { endpoint, region } = awsClientSettings();
    const store = new DynamoDbRegistrationStore({
      tableName: table().tableName,
      endpoint,
      region,
    });
    const input = registrationInput();

    await store.upsert(input);
    const users = await store.listUsers();
    await store.close();

    expect(users).toContain(input.user);
  });
});
