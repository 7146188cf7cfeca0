import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreBusyError } from '../../../shared/registrations/sqlite-store.js';
import type {
  RegistrationInput,
  RegistrationStore,
} from '../../../shared/registrations/types.js';
import { RegistrationRetry } from '../../../shim/registration-retry.js';
import { registrationInput } from '../../support/registrations-fixtures.js';
import { RecordingLogger } from '../push/doubles.js';
import { overrideStore } from './harness.js';

/** Creates a store whose upsert fails with a lock wait while `locked` is true. */
function lockableStore() {
  const written: RegistrationInput[] = [];
  const state = { locked: true };
  const base = {} as RegistrationStore;
  const store = overrideStore(base, {
    upsert: async (input, now = Date.now()) => {
      if (state.locked) throw new StoreBusyError('write lock held');
      written.push(input);
      const registration = { ...input, createdAt: now, updatedAt: now, expiresAt: now };
      return { registration, evicted: [] };
    },
  });
  return { store, written, state };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RegistrationRetry', () => {
  it('writes once the lock is free', async () => {
    vi.useFakeTimers();
    const { store, written, state } = lockableStore();
    const retry = new RegistrationRetry({ store, logger: new RecordingLogger() });
    retry.add(registrationInput(), Date.now());

    await vi.advanceTimersByTimeAsync(1000);
    state.locked = false;
    await vi.advanceTimersByTimeAsync(10_000);

    expect(written).toHaveLength(1);
    expect(retry.size).toBe(0);
  });

  it('keeps the newest write per device', async () => {
    vi.useFakeTimers();
    const { store, written, state } = lockableStore();
    const retry = new RegistrationRetry({ store, logger: new RecordingLogger() });
    const first = registrationInput({ mailboxes: ['INBOX'] });
    retry.add(first, Date.now());
    retry.add({ ...first, mailboxes: ['INBOX', 'Archive'] }, Date.now());

    state.locked = false;
    await vi.advanceTimersByTimeAsync(10_000);

    expect(written.map((input) => input.mailboxes)).toEqual([['INBOX', 'Archive']]);
  });

  it('gives up after the deadline', async () => {
    vi.useFakeTimers();
    const { store, written } = lockableStore();
    const logger = new RecordingLogger();
    const retry = new RegistrationRetry({ store, logger, giveUpAfterMs: 5000 });
    const input = registrationInput();
    retry.add(input, Date.now());

    await vi.advanceTimersByTimeAsync(30_000);

    expect(written).toEqual([]);
    expect(retry.size).toBe(0);
    expect(logger.matching({ user: input.user })[0]?.message).toBe(
      'registration not stored',
    );
  });

  it('drops the oldest beyond the bound', () => {
    const { store } = lockableStore();
    const logger = new RecordingLogger();
    const retry = new RegistrationRetry({ store, logger, maxPending: 2 });
    const oldest = registrationInput();
    retry.add(oldest, Date.now());
    retry.add(registrationInput(), Date.now());
    retry.add(registrationInput(), Date.now());

    expect(retry.size).toBe(2);
    expect(logger.matching({ user: oldest.user })).toHaveLength(1);
  });

  it('logs what is left at close', async () => {
    const { store } = lockableStore();
    const logger = new RecordingLogger();
    const retry = new RegistrationRetry({ store, logger });
    const input = registrationInput();
    retry.add(input, Date.now());

    await retry.close();

    expect(retry.size).toBe(0);
    expect(logger.matching({ user: input.user }).map((entry) => entry.level)).toEqual([
      'error',
    ]);
  });
});
