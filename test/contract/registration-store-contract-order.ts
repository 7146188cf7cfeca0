import { describe, expect, it } from 'vitest';
import { REGISTRATION_TTL_MS } from '../../shared/registrations/types.js';
import {
  itemAt,
  type OpenRegistrationStore,
  registrationInput,
  uniqueUser,
  withStore,
} from '../support/registrations-fixtures.js';

const TOPIC_BEFORE = 'com.apple.mail.XServer.0f5e2a6b-3c1d-4e8f-9a7b-6d5c4b3a2e10';
const TOPIC_AFTER = 'com.apple.mail.XServer.9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e';

/**
 * Defines the write-order tests: a write replayed with its original time (from
 * a spool, or from a writer whose clock lags) never overwrites a newer row.
 */
export function describeOrderContract(open: OpenRegistrationStore): void {
  describe('write order', () => {
    it('keeps a newer registration', async () => {
      await withStore(open, async (store) => {
        const now = Date.now();
        const first = registrationInput({ topic: TOPIC_BEFORE });
        const newer = {
          ...first,
          accountId: 'NEWER-ACCOUNT',
          mailboxes: ['INBOX', 'Notes'],
          topic: TOPIC_AFTER,
        };
        const expected = {
          ...newer,
          createdAt: now,
          updatedAt: now + 2000,
          expiresAt: now + 2000 + REGISTRATION_TTL_MS,
        };
        await store.upsert(first, now);
        await store.upsert(newer, now + 2000);

        const replayed = await store.upsert({ ...first, accountId: 'OLDER' }, now + 1000);

        expect(replayed.registration).toEqual(expected);
        expect(replayed.evicted).toEqual([]);
        expect(await store.listByUser(first.user, now + 2000)).toEqual([expected]);
      });
    });

    it('lets an equal time win', async () => {
      await withStore(open, async (store) => {
        const now = Date.now();
        const input = registrationInput();
        const changed = { ...input, accountId: 'SAME-TIME-ACCOUNT' };
        await store.upsert(input, now);

        const result = await store.upsert(changed, now);
        const [stored] = await store.listByUser(input.user, now);

        expect(result.registration.accountId).toBe('SAME-TIME-ACCOUNT');
        expect(stored?.accountId).toBe('SAME-TIME-ACCOUNT');
        expect(stored?.createdAt).toBe(now);
        expect(stored?.updatedAt).toBe(now);
        expect(stored?.expiresAt).toBe(now + REGISTRATION_TTL_MS);
      });
    });

    // A row whose updatedAt is later than the write's time is always live at
    // that time, so a replay can only meet an expired row that is older still.
    it('replaces an expired row', async () => {
      await withStore(open, async (store) => {
        const now = Date.now();
        const input = registrationInput({ topic: TOPIC_AFTER });
        const replay = { ...input, accountId: 'REPLAYED', topic: TOPIC_BEFORE };
        const replayedAt = now + REGISTRATION_TTL_MS + 1000;
        await store.upsert(input, now);

        const result = await store.upsert(replay, replayedAt);
        const rows = await store.listByUser(input.user, replayedAt);

        expect(result.registration).toEqual({
          ...replay,
          createdAt: replayedAt,
          updatedAt: replayedAt,
          expiresAt: replayedAt + REGISTRATION_TTL_MS,
        });
        expect(rows).toEqual([result.registration]);
      });
    });

    // Reopening with a smaller cap leaves the user over it until a write trims.
    it('skipped write applies no cap', async () => {
      const now = Date.now();
      const user = uniqueUser();
      const devices = [0, 1, 2].map(() => registrationInput({ user }));
      await withStore(
        open,
        async (store) => {
          for (const [index, device] of devices.entries()) {
            await store.upsert(device, now + 10 * index);
          }
        },
        { maxDevicesPerUser: 3 },
      );

      await withStore(
        open,
        async (store) => {
          const newest = itemAt(devices, 2);
          const skipped = await store.upsert(newest, now);
          const listed = await store.listByUser(user, now + 20);
          const written = await store.upsert(newest, now + 30);

          expect(skipped.evicted).toEqual([]);
          expect(listed).toHaveLength(3);
          expect(written.evicted).toEqual([itemAt(devices, 0).deviceToken]);
        },
        { maxDevicesPerUser: 2 },
      );
    });
  });
}
