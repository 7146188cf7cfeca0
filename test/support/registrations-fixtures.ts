import { randomBytes, randomUUID } from 'node:crypto';
import type {
  RegistrationInput,
  RegistrationStore,
} from '../../shared/registrations/types.js';

/** What a contract suite needs from an adapter: a store and a way to dispose of it. */
export interface OpenedRegistrationStore {
  store: RegistrationStore;
  cleanup: () => Promise<void>;
}

/** Store settings a contract test may ask an adapter for. */
export interface RegistrationStoreTestOptions {
  maxDevicesPerUser?: number;
}

/** Opens a fresh adapter instance, which may share its backing data with other tests. */
export type OpenRegistrationStore = (
  options?: RegistrationStoreTestOptions,
) => Promise<OpenedRegistrationStore>;

/** Returns a username no other test uses, so tests never need a global reset. */
export function uniqueUser(label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`;
}

/** Returns a random 64-character lower-case hex device token. */
export function randomDeviceToken(): string {
  return randomBytes(32).toString('hex');
}

/** Builds a complete registration input with fresh values unless overridden. */
export function registrationInput(
  overrides: Partial<RegistrationInput> = {},
): RegistrationInput {
  return {
    user: uniqueUser(),
    deviceToken: randomDeviceToken(),
    accountId: randomUUID().toUpperCase(),
    subtopic: 'com.apple.mobilemail',
    mailboxes: ['INBOX', 'Sent Messages'],
    apsVersion: 2,
    topic: 'com.apple.mail.XServer.6a1a0d3c-5b58-4d4f-9a55-2f0f3e0e8c11',
    ...overrides,
  };
}

/** Opens a store, runs the body with it, and always cleans up afterwards. */
export async function withStore(
  open: OpenRegistrationStore,
  body: (store: RegistrationStore) => Promise<void>,
  options?: RegistrationStoreTestOptions,
): Promise<void> {
  const { store, cleanup } = await open(options);
  try {
    await body(store);
  } finally {
    await cleanup();
  }
}

/** Returns list[index], throwing when the list is shorter, so tests get T, not T | undefined. */
export function itemAt<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) {
    throw new Error(
      `expected an item at index ${index}, but the list has ${list.length}`,
    );
  }
  return item;
}
