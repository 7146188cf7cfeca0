// Plays a `xaps serve` process: takes the serve lock on a data directory, writes
// one registration, prints "ready <pid>", then holds the lock until stdin ends.
// Exits with code 3 and the error on stderr when the lock is taken.
import { join } from 'node:path';
import {
  acquireServeLock,
  ServeLockError,
} from '../../shared/registrations/data-dir-lock.js';
import {
  REGISTRATIONS_FILE_NAME,
  SqliteRegistrationStore,
} from '../../shared/registrations/sqlite-store.js';
import { registrationInput } from './registrations-fixtures.js';

const [dataDir = '', user = 'serve-child@example.com'] = process.argv.slice(2);

let release: () => void;
try {
  release = acquireServeLock(dataDir);
} catch (error) {
  if (error instanceof ServeLockError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(3);
  }
  throw error;
}

const store = new SqliteRegistrationStore(join(dataDir, REGISTRATIONS_FILE_NAME));
await store.upsert(registrationInput({ user }));
process.stdout.write(`ready ${process.pid}\n`);

process.stdin.resume();
process.stdin.on('end', async () => {
  await store.close();
  release();
});
