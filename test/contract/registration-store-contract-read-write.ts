import { describe, expect, it } from 'vitest';
import { REGISTRATION_TTL_MS } from '../../shared/registrations/types.js';
import {
  type OpenRegistrationStore,
  randomDeviceToken,
  registrationInput,
  uniqueUser,
  withStore,
} from '../support/registrations-fixtures.js';

/** Defines the round-trip, idempotence and listing tests of the contract. */
export function describeReadWriteContract(open: OpenRegistrationStore): void {
  describe('upsert and read', () => {
    it('round-trips every field', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput({ apsVersion: 1, mailboxes: ['INBOX'] });
        const now = Date.now();
        const expected = {
          ...input,
          createdAt: now,
          updatedAt: now,
          expiresAt: now + REGISTRATION_TTL_MS,
        };

        const result = await store.upsert(input, now);

        expect(result.registration).toEqual(expected);
        expect(result.evicted).toEqual([]);
        expect(await store.listByUser(input.user, now)).toEqual([expected]);
      });
    });

    it('keeps UTF-8 mailbox names intact', async () => {
      await withStore(open, async (store) => {
        const mailboxes = [
          'INBOX',
          'Entwürfe',
          '送信済みメール',
          'Sent Messages',
          '📬 Ящик',
        ];
        const input = registrationInput({ mailboxes });

        await store.upsert(input);
        const [stored] = await store.listByUser(input.user);

        expect(stored?.mailboxes).toEqual(mailboxes);
      });
    });

    it('repeats an upsert idempotently', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const first = Date.now();
        const second = first + 60_000;

        await store.upsert(input, first);
        const repeat = await store.upsert(input, second);
        const rows = await store.listByUser(input.user, second);

        expect(repeat.evicted).toEqual([]);
        expect(rows).toHaveLength(1);
        expect(rows[0]?.createdAt).toBe(first);
        expect(rows[0]?.updatedAt).toBe(second);
        expect(rows[0]?.expiresAt).toBe(second + REGISTRATION_TTL_MS);
      });
    });

    it('updates fields on a refresh', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        const changed = {
          ...input,
          accountId: 'NEW-ACCOUNT',
          mailboxes: ['INBOX', 'Notes'],
        };

        await store.upsert(input, now);
        const result = await store.upsert(changed, now + 1000);
        const [stored] = await store.listByUser(input.user, now + 1000);

        expect(result.registration.accountId).toBe('NEW-ACCOUNT');
        expect(stored?.accountId).toBe('NEW-ACCOUNT');
        expect(stored?.mailboxes).toEqual(['INBOX', 'Notes']);
        expect(stored?.createdAt).toBe(now);
      });
    });

    it('lists most recently registered first', async () => {
      await withStore(open, async (store) => {
        const user = uniqueUser();
        const now = Date.now();
        const older = registrationInput({ user });
        const newer = registrationInput({ user });

        await store.upsert(older, now);
        await store.upsert(newer, now + 1000);
        const tokens = (await store.listByUser(user, now + 1000)).map(
          (r) => r.deviceToken,
        );

        expect(tokens).toEqual([newer.deviceToken, older.deviceToken]);
      });
    });
  });

  describe('listing across users', () => {
    it('stores one token under two users', async () => {
      await withStore(open, async (store) => {
        const deviceToken = randomDeviceToken();
        const alice = registrationInput({ user: uniqueUser('alice'), deviceToken });
        const bob = registrationInput({ user: uniqueUser('bob'), deviceToken });

        await store.upsert(alice);
        await store.upsert(bob);
        const users = (await store.listByDeviceToken(deviceToken)).map((r) => r.user);

        expect(users.sort()).toEqual([alice.user, bob.user].sort());
        expect(await store.listByUser(alice.user)).toHaveLength(1);
        expect(await store.listByUser(bob.user)).toHaveLength(1);
      });
    });

    it('lists registrations by device token', async () => {
      await withStore(open, async (store) => {
        const target = registrationInput();
        const other = registrationInput({ user: target.user });

        await store.upsert(target);
        await store.upsert(other);
        const rows = await store.listByDeviceToken(target.deviceToken);

        expect(rows).toHaveLength(1);
        expect(rows[0]?.user).toBe(target.user);
        expect(rows[0]?.accountId).toBe(target.accountId);
        expect(await store.listByDeviceToken(randomDeviceToken())).toEqual([]);
      });
    });

    it('lists users with registrations', async () => {
      await withStore(open, async (store) => {
        const first = registrationInput();
        const second = registrationInput();
        const absent = uniqueUser();

        await store.upsert(first);
        await store.upsert(second);
        await store.upsert(registrationInput({ user: first.user }));
        const users = await store.listUsers();

        expect(users).toContain(first.user);
        expect(users).toContain(second.user);
        expect(users).not.toContain(absent);
        expect(users.filter((user) => user === first.user)).toHaveLength(1);
      });
    });
  });
}
