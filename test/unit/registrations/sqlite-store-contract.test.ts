import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  REGISTRATIONS_FILE_NAME,
  SqliteRegistrationStore,
} from '../../../shared/registrations/sqlite-store.js';
import { describeRegistrationStoreContract } from '../../contract/registration-store-contract.js';

// Every test opens its own store on one shared file, as a DynamoDB adapter
// would share one table, so the contract's unique-user rule is exercised too.
let dataDir = '';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-registrations-contract-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describeRegistrationStoreContract('SQLite', async (options) => {
  const store = new SqliteRegistrationStore(
    join(dataDir, REGISTRATIONS_FILE_NAME),
    options,
  );
  return { store, cleanup: () => store.close() };
});
