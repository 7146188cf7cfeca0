// Upserts registrations in a loop on one file and prints each device token
// only after its upsert has committed, so a test can kill it mid-write.
import { writeSync } from 'node:fs';
import { SqliteRegistrationStore } from '../../shared/registrations/sqlite-store.js';
import { registrationInput } from './registrations-fixtures.js';

const [file = '', user = '', firstIndex = '0'] = process.argv.slice(2);
// Stops on its own after 20 s in case the test that started it died.
const deadline = Date.now() + 20_000;

const store = new SqliteRegistrationStore(file, { maxDevicesPerUser: 1_000_000 });
const mailboxes = Array.from({ length: 40 }, (_, i) => `Ordner ${i} – Entwürfe`);

for (let i = Number(firstIndex); Date.now() < deadline; i += 1) {
  const deviceToken = i.toString(16).padStart(64, '0');
  await store.upsert(registrationInput({ user, deviceToken, mailboxes }));
  writeSync(1, `${deviceToken}\n`);
}
await store.close();
