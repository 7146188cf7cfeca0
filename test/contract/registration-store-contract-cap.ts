import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_DEVICES_PER_USER,
  REGISTRATION_TTL_MS,
  type RegistrationStore,
} from '../../shared/registrations/types.js';
import {
  itemAt,
  type OpenRegistrationStore,
  registrationInput,
  uniqueUser,
  withStore,
} from '../support/registrations-fixtures.js';

/** Registers `count` new devices for a user, one millisecond apart from `start`. */
async function registerDevices(
  store: RegistrationStore,
  user: string,
  count: number,
  start: number,
): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const input = registrationInput({ user });
    const result = await store.upsert(input, start + i);
    expect(result.evicted).toEqual([]);
    tokens.push(input.deviceToken);
  }
  return tokens;
}

/** Defines the per-user device cap tests. */
export function describeCapContract(open: OpenRegistrationStore): void {
  describe('device cap', () => {
    it('evicts beyond the default cap', async () => {
      await withStore(open, async (store) => {
        const user = uniqueUser();
        const now = Date.now();
        const tokens = await registerDevices(
          store,
          user,
          DEFAULT_MAX_DEVICES_PER_USER,
          now,
        );
        const extra = registrationInput({ user });

        const result = await store.upsert(extra, now + 100);
        const stored = (await store.listByUser(user, now + 100)).map(
          (r) => r.deviceToken,
        );

        expect(DEFAULT_MAX_DEVICES_PER_USER).toBe(20);
        expect(result.evicted).toEqual([tokens[0]]);
        expect(stored).toHaveLength(DEFAULT_MAX_DEVICES_PER_USER);
        expect(stored).toContain(extra.deviceToken);
        expect(stored).not.toContain(tokens[0]);
      });
    });

    it('applies a custom cap', async () => {
      await withStore(
        open,
        async (store) => {
          const user = uniqueUser();
          const now = Date.now();
          const tokens = await registerDevices(store, user, 2, now);

          const result = await store.upsert(registrationInput({ user }), now + 100);

          expect(result.evicted).toEqual([tokens[0]]);
          expect(await store.listByUser(user, now + 100)).toHaveLength(2);
        },
        { maxDevicesPerUser: 2 },
      );
    });

    it('evicts the least recently registered', async () => {
      await withStore(
        open,
        async (store) => {
          const user = uniqueUser();
          const now = Date.now();
          const tokens = await registerDevices(store, user, 3, now);
          const refreshed = registrationInput({ user, deviceToken: itemAt(tokens, 0) });
          await store.upsert(refreshed, now + 10);

          const result = await store.upsert(registrationInput({ user }), now + 20);
          const stored = (await store.listByUser(user, now + 20)).map(
            (r) => r.deviceToken,
          );

          expect(result.evicted).toEqual([tokens[1]]);
          expect(stored).toContain(tokens[0]);
          expect(stored).toContain(tokens[2]);
          expect(stored).not.toContain(tokens[1]);
        },
        { maxDevicesPerUser: 3 },
      );
    });

    // A shim on another host may stamp an older time. The device it just
    // registered must stay, so the caller never confirms a dropped row.
    it('never evicts the device just registered', async () => {
      await withStore(
        open,
        async (store) => {
          const user = uniqueUser();
          const now = Date.now();
          await registerDevices(store, user, 2, now);
          const newest = registrationInput({ user });

          const result = await store.upsert(newest, now - 1000);
          const stored = (await store.listByUser(user, now)).map((r) => r.deviceToken);

          expect(result.evicted).toHaveLength(1);
          expect(result.evicted).not.toContain(newest.deviceToken);
          expect(stored).toContain(newest.deviceToken);
        },
        { maxDevicesPerUser: 2 },
      );
    });

    it('does not count expired devices', async () => {
      await withStore(
        open,
        async (store) => {
          const user = uniqueUser();
          const now = Date.now();
          await registerDevices(store, user, 2, now);
          const expiredAt = now + 1 + REGISTRATION_TTL_MS;
          const [live] = await registerDevices(store, user, 1, expiredAt - 5000);

          const fresh = await registerDevices(store, user, 2, expiredAt);
          const stored = (await store.listByUser(user, expiredAt + 1)).map(
            (r) => r.deviceToken,
          );

          expect(stored).toHaveLength(3);
          expect(stored).toContain(live);
          expect(stored).toContain(fresh[0]);
          expect(stored).toContain(fresh[1]);
        },
        { maxDevicesPerUser: 3 },
      );
    });

    it('repeats at the cap without eviction', async () => {
      await withStore(
        open,
        async (store) => {
          const user = uniqueUser();
          const now = Date.now();
          const tokens = await registerDevices(store, user, 2, now);
          const repeat = registrationInput({ user, deviceToken: itemAt(tokens, 0) });

          const result = await store.upsert(repeat, now + 10);

          expect(result.evicted).toEqual([]);
          expect(await store.listByUser(user, now + 10)).toHaveLength(2);
        },
        { maxDevicesPerUser: 2 },
      );
    });
  });
}
