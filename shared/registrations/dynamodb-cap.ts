import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type DynamoItem,
  fromRegistrationItem,
  itemExpiresAtMs,
} from './dynamodb-item.js';
import { deleteRegistrationItem, queryUserRegistrations } from './dynamodb-requests.js';
import type { Registration } from './types.js';

/**
 * Enforces the per-user device cap after `deviceToken` was written, and removes
 * the user's expired rows that DynamoDB's TTL has not deleted yet.
 *
 * DynamoDB cannot lock a user's rows, so this reads them (strongly consistent)
 * and deletes each surplus row with a condition on the updatedAt it read: a
 * device that registers again meanwhile is kept, never evicted for a stale view.
 * The new device always stays, because its clock may lag another writer's. Of
 * the others the newest stay. Every upsert ranks the others alike, so the cap - 1
 * newest rows always survive, and the last upsert to read trims to the cap. Only
 * more than cap concurrent registrations of one user can leave it one row short.
 * Returns the tokens this call evicted, least recently registered first.
 */
export async function enforceDeviceCap(
  doc: DynamoDBDocumentClient,
  tableName: string,
  target: { user: string; deviceToken: string; cap: number; now: number },
): Promise<string[]> {
  const items = await queryUserRegistrations(doc, tableName, target.user);
  const expired = items.filter((item) => itemExpiresAtMs(item) <= target.now);
  const live = items
    .filter((item) => itemExpiresAtMs(item) > target.now)
    .map(fromRegistrationItem);

  await Promise.all(
    expired.map((item) => purgeExpired(doc, tableName, item, target.now)),
  );

  const surplus = orderForCap(live, target.deviceToken).slice(target.cap);
  const removed = await Promise.all(
    surplus.map((registration) =>
      deleteRegistrationItem(doc, tableName, registration, {
        expression: '#updatedAt = :updatedAt',
        names: { '#updatedAt': 'updatedAt' },
        values: { ':updatedAt': registration.updatedAt },
      }),
    ),
  );

  return surplus
    .filter((_, index) => removed[index])
    .sort((a, b) => a.updatedAt - b.updatedAt)
    .map((registration) => registration.deviceToken);
}

/** Orders registrations as kept under the cap: the new device, then the most recent. */
function orderForCap(registrations: Registration[], deviceToken: string): Registration[] {
  return [...registrations].sort((a, b) => {
    if (a.deviceToken === deviceToken || b.deviceToken === deviceToken) {
      return a.deviceToken === deviceToken ? -1 : 1;
    }
    return compareMostRecentFirst(a, b);
  });
}

/** Sorts most recently registered first, then by device token for a stable order. */
export function compareMostRecentFirst(a: Registration, b: Registration): number {
  if (a.updatedAt !== b.updatedAt) {
    return b.updatedAt - a.updatedAt;
  }
  if (a.deviceToken === b.deviceToken) {
    return 0;
  }
  return a.deviceToken < b.deviceToken ? -1 : 1;
}

/** Deletes an expired row unless it was refreshed after it was read. */
async function purgeExpired(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: DynamoItem,
  now: number,
): Promise<void> {
  const user = item.user;
  const deviceToken = item.deviceToken;
  if (typeof user !== 'string' || typeof deviceToken !== 'string') {
    return;
  }
  await deleteRegistrationItem(
    doc,
    tableName,
    { user, deviceToken },
    {
      expression: '#expiresAtMs <= :now',
      names: { '#expiresAtMs': 'expiresAtMs' },
      values: { ':now': now },
    },
  );
}
