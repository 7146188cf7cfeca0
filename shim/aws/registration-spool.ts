import Database from 'better-sqlite3';
import {
  createOwnerOnlyFile,
  readSchemaVersion,
} from '../../shared/registrations/sqlite-schema.js';
import type { RegistrationInput } from '../../shared/registrations/types.js';

/** File of the spool in the data directory. */
export const SPOOL_FILE_NAME = 'aws-spool.sqlite';

/**
 * Maximum number of spooled registrations, about 1 KiB each. iOS registers about once
 * a day per device, so this covers a long outage of a large site. Past it, new
 * registrations are logged and dropped, and those devices register again a day later.
 */
export const MAX_SPOOLED_REGISTRATIONS = 100_000;

const SPOOL_SCHEMA_VERSION = 1;

const CREATE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS pending_registrations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, -- write order, kept across restarts
    user TEXT NOT NULL,
    registered_at INTEGER NOT NULL, -- epoch milliseconds, the upsert's "now"
    input TEXT NOT NULL -- RegistrationInput as JSON
  );
`;

/** One registration write waiting for DynamoDB. */
export interface SpooledRegistration {
  seq: number;
  registeredAt: number;
  /** Undefined when the stored JSON is unreadable; the flusher drops such entries. */
  input: RegistrationInput | undefined;
}

interface Row {
  seq: number;
  registered_at: number;
  input: string;
}

/**
 * Registration writes that could not reach DynamoDB, in the data directory. Each
 * append is committed with an fsync before it returns (SQLite WAL, synchronous FULL),
 * so a registration confirmed with 200 survives a crash or a restart. A new file is
 * readable by its owner only (SQLite gives its -wal and -shm files the same mode),
 * because it contains full device tokens.
 */
export class RegistrationSpool {
  private readonly db: Database.Database;
  private count: number;

  constructor(path: string) {
    createOwnerOnlyFile(path);
    this.db = new Database(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      migrate(this.db, path);
      this.count = this.countRows();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** Registrations waiting. */
  get size(): number {
    return this.count;
  }

  /** Appends a write durably; returns its sequence number, or undefined when full. */
  append(input: RegistrationInput, registeredAt: number): number | undefined {
    if (this.count >= MAX_SPOOLED_REGISTRATIONS) {
      return undefined;
    }
    const result = this.db
      .prepare(
        'INSERT INTO pending_registrations (user, registered_at, input) VALUES (?, ?, ?)',
      )
      .run(input.user, registeredAt, JSON.stringify(input));
    this.count += 1;
    return Number(result.lastInsertRowid);
  }

  /** Returns the oldest waiting write, or undefined when the spool is empty. */
  oldest(): SpooledRegistration | undefined {
    const row = this.db
      .prepare(
        'SELECT seq, registered_at, input FROM pending_registrations ORDER BY seq LIMIT 1',
      )
      .get() as Row | undefined;
    if (row === undefined) {
      return undefined;
    }
    return {
      seq: row.seq,
      registeredAt: row.registered_at,
      input: parseInput(row.input),
    };
  }

  /** Removes a write once DynamoDB has it (or it was dropped). */
  remove(seq: number): void {
    const result = this.db
      .prepare('DELETE FROM pending_registrations WHERE seq = ?')
      .run(seq);
    this.count -= result.changes;
  }

  /** Users with waiting writes. */
  pendingUsers(): string[] {
    const rows = this.db
      .prepare('SELECT DISTINCT user FROM pending_registrations')
      .all() as { user: string }[];
    return rows.map((row) => row.user);
  }

  close(): void {
    this.db.close();
  }

  private countRows(): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM pending_registrations')
      .get() as {
      n: number;
    };
    return row.n;
  }
}

function migrate(db: Database.Database, path: string): void {
  const version = readSchemaVersion(db);
  if (version > SPOOL_SCHEMA_VERSION) {
    throw new Error(
      `registration spool '${path}' has schema version ${version}, but this xaps reads ` +
        `only up to version ${SPOOL_SCHEMA_VERSION}: upgrade xaps, or flush it with the ` +
        'newer version first',
    );
  }
  if (version < SPOOL_SCHEMA_VERSION) {
    db.exec(CREATE_SCHEMA);
    db.pragma(`user_version = ${SPOOL_SCHEMA_VERSION}`);
  }
}

function parseInput(json: string): RegistrationInput | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const input = value as Record<string, unknown>;
  const strings = ['user', 'deviceToken', 'accountId', 'subtopic', 'topic'];
  const valid =
    strings.every((field) => typeof input[field] === 'string') &&
    typeof input.apsVersion === 'number' &&
    Array.isArray(input.mailboxes) &&
    input.mailboxes.every((mailbox) => typeof mailbox === 'string');
  return valid ? (value as RegistrationInput) : undefined;
}
