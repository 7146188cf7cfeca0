import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDbPushClaims } from '../../../shared/registrations/dynamodb-claims.js';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import { useTestTable } from '../../support/aws-resources.js';
import { randomDeviceToken, uniqueUser } from '../../support/registrations-fixtures.js';

const table = useTestTable('push-claims');

function claims(ttlSeconds?: number) {
  const { client, tableName } = table();
  return new DynamoDbPushClaims({
    client,
    tableName,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
}

function newKey() {
  return { eventId: randomUUID(), user: uniqueUser(), deviceToken: randomDeviceToken() };
}

describe('DynamoDbPushClaims', () => {
  it('grants a claim once', async () => {
    const key = newKey();
    const first = await claims().claim(key, Date.now());
    const second = await claims().claim(key, Date.now());

    expect(first).toBeDefined();
    expect(second).toBeUndefined();
  });

  it('grants one of racing claims', async () => {
    const key = newKey();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => claims().claim(key, Date.now())),
    );

    expect(results.filter((claim) => claim !== undefined)).toHaveLength(1);
  });

  it('frees a released claim', async () => {
    const key = newKey();
    const claim = await claims().claim(key, Date.now());
    const released = await claim?.release();
    const again = await claims().claim(key, Date.now());

    expect(released).toBe(true);
    expect(again).toBeDefined();
  });

  it('keeps a claim another owner took', async () => {
    const key = newKey();
    const now = Date.now();
    const stale = await claims(1).claim(key, now);
    const fresh = await claims().claim(key, now + 5_000);

    expect(fresh).toBeDefined();
    expect(await stale?.release()).toBe(false);
    expect(await claims().claim(key, now + 6_000)).toBeUndefined();
  });

  it('retakes an expired claim', async () => {
    const key = newKey();
    const now = Date.now();
    await claims(60).claim(key, now);

    expect(await claims().claim(key, now + 59_000)).toBeUndefined();
    expect(await claims().claim(key, now + 61_000)).toBeDefined();
  });

  it('separates users of one device', async () => {
    const key = newKey();
    await claims().claim(key, Date.now());
    const other = await claims().claim({ ...key, user: uniqueUser() }, Date.now());

    expect(other).toBeDefined();
  });

  it('stays out of the store indexes', async () => {
    const { client, tableName } = table();
    const store = new DynamoDbRegistrationStore({ client, tableName });
    const key = newKey();
    await claims().claim(key, Date.now());

    expect(await store.listByDeviceToken(key.deviceToken)).toEqual([]);
    expect(await store.listUsers()).not.toContain(key.user);
    expect(await store.listByUser(key.user)).toEqual([]);
  });

  it('rejects a TTL below one second', () => {
    expect(() => claims(0)).toThrow(/ttlSeconds 0 is invalid/);
  });
});
