import Database from 'better-sqlite3';

/** Schema version this code writes, stored in the file's user_version pragma. */
export const SCHEMA_VERSION = 1;

/**
 * Milliseconds a statement waits for another process's write lock before it
 * fails with SQLITE_BUSY. Dovecot's xaps plugin 2.3 gives /register 5 s, so
 * the wait stays well below that. better-sqlite3 waits synchronously, which
 * blocks the event loop, but each transaction here holds the lock only briefly.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 2000;

const CREATE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS registrations (
    user TEXT NOT NULL,
    device_token TEXT NOT NULL,
    account_id TEXT NOT NULL,
    subtopic TEXT NOT NULL,
    mailboxes TEXT NOT NULL, -- JSON array of UTF-8 mailbox names
    aps_version INTEGER NOT NULL,
    topic TEXT NOT NULL,
    created_at INTEGER NOT NULL, -- epoch milliseconds
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (user, device_token)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS registrations_by_device_token
    ON registrations (device_token);
  CREATE INDEX IF NOT EXISTS registrations_by_expiry ON registrations (expires_at);
`;

/**
 * Opens the registrations file and prepares it for several processes at once:
 * WAL lets a CLI read while the server writes, and the busy timeout makes a
 * writer wait for the other process's lock instead of failing at once.
 */
export function openRegistrationsDatabase(
  path: string,
  busyTimeoutMs: number,
): Database.Database {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    db.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit. A registration lost to a power cut
    // leaves the device without push until iOS registers again, about a day
    // later, and registrations arrive too rarely for the fsync to matter.
    db.pragma('synchronous = FULL');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Creates the schema in a new file and rejects a file written by newer code. */
function migrate(db: Database.Database, path: string): void {
  if (checkSchemaVersion(db, path) === SCHEMA_VERSION) {
    return;
  }

  // IMMEDIATE takes the write lock before the version is read again, so two
  // processes opening a new file at once cannot both create the schema.
  const create = db.transaction(() => {
    if (checkSchemaVersion(db, path) < 1) {
      db.exec(CREATE_SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  });
  create.immediate();
}

function checkSchemaVersion(db: Database.Database, path: string): number {
  const version = readSchemaVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `registrations database '${path}' has schema version ${version}, but this ` +
        `xaps reads only up to version ${SCHEMA_VERSION}: upgrade xaps, or point ` +
        'it at another data directory',
    );
  }
  return version;
}

/** Reads the user_version pragma of an open database. */
export function readSchemaVersion(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true });
  return typeof version === 'number' ? version : 0;
}
