import { describe, expect, it } from 'vitest';
import {
  type OpenRegistrationStore,
  registrationInput,
  uniqueUser,
  withStore,
} from '../support/registrations-fixtures.js';

/** Defines the delete tests, including the conditional delete of 410 cleanup. */
export function describeDeleteContract(open: OpenRegistrationStore): void {
  describe('delete', () => {
    it('deletes one registration', async () => {
      await withStore(open, async (store) => {
        const deleted = registrationInput();
        const remaining = registrationInput({ user: deleted.user });
        await store.upsert(deleted);
        await store.upsert(remaining);

        expect(await store.delete(deleted.user, deleted.deviceToken)).toBe(true);
        expect(await store.delete(deleted.user, deleted.deviceToken)).toBe(false);
        const tokens = (await store.listByUser(deleted.user)).map((r) => r.deviceToken);
        expect(tokens).toEqual([remaining.deviceToken]);
      });
    });

    it('deletes only the named user', async () => {
      await withStore(open, async (store) => {
        const alice = registrationInput({ user: uniqueUser('alice') });
        const bob = registrationInput({
          user: uniqueUser('bob'),
          deviceToken: alice.deviceToken,
        });
        await store.upsert(alice);
        await store.upsert(bob);

        await store.delete(alice.user, alice.deviceToken);
        const users = (await store.listByDeviceToken(alice.deviceToken)).map(
          (r) => r.user,
        );

        expect(users).toEqual([bob.user]);
      });
    });

    it('keeps a row refreshed after since', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        await store.upsert(input, now);
        await store.upsert(input, now + 2000);

        const removed = await store.deleteIfNotRefreshedSince(
          input.user,
          input.deviceToken,
          now + 1000,
        );

        expect(removed).toBe(false);
        expect(await store.listByUser(input.user, now + 2000)).toHaveLength(1);
      });
    });

    it('removes a row not refreshed', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        await store.upsert(input, now);

        const removed = await store.deleteIfNotRefreshedSince(
          input.user,
          input.deviceToken,
          now + 1000,
        );

        expect(removed).toBe(true);
        expect(await store.listByUser(input.user, now)).toEqual([]);
      });
    });

    it('removes a row updated exactly at since', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        await store.upsert(input, now);

        expect(
          await store.deleteIfNotRefreshedSince(input.user, input.deviceToken, now),
        ).toBe(true);
        expect(
          await store.deleteIfNotRefreshedSince(input.user, input.deviceToken, now),
        ).toBe(false);
      });
    });

    it('deletes all of a user', async () => {
      await withStore(open, async (store) => {
        const user = uniqueUser();
        const other = registrationInput();
        for (let i = 0; i < 3; i += 1) {
          await store.upsert(registrationInput({ user }));
        }
        await store.upsert(other);

        expect(await store.deleteByUser(user)).toBe(3);
        expect(await store.listByUser(user)).toEqual([]);
        expect(await store.listUsers()).not.toContain(user);
        expect(await store.deleteByUser(user)).toBe(0);
        expect(await store.listByUser(other.user)).toHaveLength(1);
      });
    });
  });
}
