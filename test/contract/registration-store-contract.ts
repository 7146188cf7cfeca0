import { describe } from 'vitest';
import type { OpenRegistrationStore } from '../support/registrations-fixtures.js';
import { describeCapContract } from './registration-store-contract-cap.js';
import { describeDeleteContract } from './registration-store-contract-delete.js';
import { describeExpiryContract } from './registration-store-contract-expiry.js';
import { describeOrderContract } from './registration-store-contract-order.js';
import { describeReadWriteContract } from './registration-store-contract-read-write.js';

export type {
  OpenedRegistrationStore,
  OpenRegistrationStore,
  RegistrationStoreTestOptions,
} from '../support/registrations-fixtures.js';

/**
 * Defines the tests every RegistrationStore adapter must pass. `open` may hand
 * out stores over shared data (a real table, one file): each test uses users
 * and device tokens of its own and never resets the store. Stores opened within
 * one test must see the same data, since a test may reopen with a smaller cap.
 * An adapter's `open` must apply `options.maxDevicesPerUser` when a test passes it.
 */
export function describeRegistrationStoreContract(
  name: string,
  open: OpenRegistrationStore,
): void {
  describe(`${name} registration store contract`, () => {
    describeReadWriteContract(open);
    describeExpiryContract(open);
    describeCapContract(open);
    describeOrderContract(open);
    describeDeleteContract(open);
  });
}
