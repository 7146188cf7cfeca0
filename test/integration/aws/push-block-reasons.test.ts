import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearBlocked, readBlock } from '../../../shared/credentials/credential-block.js';
import { uniqueUser } from '../../support/registrations-fixtures.js';
import { sesMessageId, sesReceivedViaSns } from './push-event-builders.js';
import { type PushFunction, startPushFunction } from './push-harness.js';

let fn: PushFunction;

beforeAll(async () => {
  fn = await startPushFunction('push-block-reasons');
});

afterAll(async () => {
  await fn?.close();
});

/** Pushes new mail to a device that APNs rejects with 403 `reason`, and returns the block. */
async function blockAfter(reason: string) {
  const user = uniqueUser();
  const device = await fn.register({ user });
  fn.apns.standin.program(device.deviceToken, { status: 403, reason });
  try {
    await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));
    return await readBlock(fn.table.client, fn.table.tableName);
  } finally {
    fn.apns.standin.unprogram(device.deviceToken);
    await clearBlocked(fn.table.client, fn.table.tableName);
  }
}

describe('push function credential block', () => {
  it.each([
    'BadCertificate',
    'BadCertificateEnvironment',
    'Forbidden',
    'InvalidProviderToken',
  ])('blocks on 403 %s', async (reason) => {
    const block = await blockAfter(reason);

    expect(block?.reason).toBe(reason);
    expect(block?.versionId).toBe(fn.secret.firstVersionId);
  });

  it('leaves 403 MissingProviderToken unblocked', async () => {
    expect(await blockAfter('MissingProviderToken')).toBeUndefined();
  });
});
