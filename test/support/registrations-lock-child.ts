// Holds the write lock of a registrations file, as a stuck CLI or backup tool would:
// prints "held" once the lock is taken and commits when its standard input closes.
import { writeSync } from 'node:fs';
import Database from 'better-sqlite3';

const [file = ''] = process.argv.slice(2);
const db = new Database(file);
db.exec('BEGIN IMMEDIATE');
writeSync(1, 'held\n');

const release = () => {
  db.exec('COMMIT');
  db.close();
  writeSync(1, 'released\n');
  process.exit(0);
};
process.stdin.on('end', release);
process.stdin.resume();
// Lets go on its own after 20 s in case the test that started it died.
setTimeout(release, 20_000).unref();
