import { describe, expect, it } from 'vitest';
import { REGISTRATION_TTL_MS } from '../../shared/registrations/types.js';
import {
  type OpenRegistrationStore,
  registrationInput,
  withStore,
} from '../support/registrations-fixtures.js';

/** Defines the expiry tests: every read hides rows whose expiresAt <= now. */
export function describeExpiryContract(open: OpenRegistrationStore): void {
  describe('expiry', () => {
    it('hides expired rows from listByUser', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        const expiresAt = now + REGISTRATION_TTL_MS;

        await store.upsert(input, now);

        expect(await store.listByUser(input.user, expiresAt - 1)).toHaveLength(1);
        expect(await store.listByUser(input.user, expiresAt)).toEqual([]);
      });
    });

    it('hides expired rows from listByDeviceToken', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        const expiresAt = now + REGISTRATION_TTL_MS;

        await store.upsert(input, now);

        expect(
          await store.listByDeviceToken(input.deviceToken, expiresAt - 1),
        ).toHaveLength(1);
        expect(await store.listByDeviceToken(input.deviceToken, expiresAt)).toEqual([]);
      });
    });

    it('hides expired users from listUsers', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        const expiresAt = now + REGISTRATION_TTL_MS;

        await store.upsert(input, now);

        expect(await store.listUsers(expiresAt - 1)).toContain(input.user);
        expect(await store.listUsers(expiresAt)).not.toContain(input.user);
      });
    });

    it('extends expiry on a refresh', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        const refreshedAt = now + 10 * 24 * 60 * 60 * 1000;

        await store.upsert(input, now);
        await store.upsert(input, refreshedAt);
        const rows = await store.listByUser(input.user, now + REGISTRATION_TTL_MS);

        expect(rows).toHaveLength(1);
        expect(rows[0]?.expiresAt).toBe(refreshedAt + REGISTRATION_TTL_MS);
      });
    });

    it('restarts an expired registration', async () => {
      await withStore(open, async (store) => {
        const input = registrationInput();
        const now = Date.now();
        const later = now + REGISTRATION_TTL_MS + 5000;

        await store.upsert(input, now);
        const result = await store.upsert(input, later);
        const rows = await store.listByUser(input.user, later);

        expect(result.registration.createdAt).toBe(later);
        expect(rows).toHaveLength(1);
        expect(rows[0]?.createdAt).toBe(later);
      });
    });
  });
}
