import { closeSync, openSync } from 'node:fs';
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

/** The registrations file cannot be opened or read; the message names the fix. */
export class RegistrationsFileError extends Error {
  override readonly name = 'RegistrationsFileError';
}

/**
 * Opens the registrations file and prepares it for several processes at once:
 * WAL lets a CLI read while the server writes, and the busy timeout makes a
 * writer wait for the other process's lock instead of failing at once. A new
 * file is created readable by its owner only, since it contains full device tokens.
 * SQLite gives its -wal and -shm files the same mode. Throws RegistrationsFileError
 * for a file that cannot be opened, is damaged, or was written by newer code.
 */
export function openRegistrationsDatabase(
  path: string,
  busyTimeoutMs: number,
): Database.Database {
  createOwnerOnlyFile(path);
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw describeOpenError(path, error);
  }
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
    throw describeOpenError(path, error);
  }
}

/** Creates an empty file with mode 0600 unless one exists; SQLite reads it as an empty database. */
export function createOwnerOnlyFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch {
    // An existing file is kept as it is; a missing directory fails in the open that follows.
  }
}

/** Turns an open failure into an error that names the file and the fix. */
function describeOpenError(path: string, error: unknown): Error {
  if (error instanceof RegistrationsFileError) {
    return error;
  }
  const reason = error instanceof Error ? error.message : String(error);
  const code = error instanceof Database.SqliteError ? error.code : undefined;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new RegistrationsFileError(
      `registrations database '${path}' is damaged or not a SQLite file (${reason}): ` +
        'stop xaps serve, move the file aside and start again (devices register ' +
        'again within a day), or restore it from a backup',
      { cause: error },
    );
  }
  return new RegistrationsFileError(
    `registrations database '${path}' could not be opened (${reason}): check ` +
      'XAPS_DATA_DIR, and that this user may read and write the directory and file',
    { cause: error },
  );
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
    throw new RegistrationsFileError(
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
