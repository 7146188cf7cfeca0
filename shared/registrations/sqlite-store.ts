import Database from 'better-sqlite3';
import { fromRow, type RegistrationRow, toUpsertParameters } from './sqlite-rows.js';
import { DEFAULT_BUSY_TIMEOUT_MS, openRegistrationsDatabase } from './sqlite-schema.js';
import {
  DEFAULT_MAX_DEVICES_PER_USER,
  REGISTRATION_TTL_MS,
  type Registration,
  type RegistrationInput,
  type RegistrationStore,
  type UpsertResult,
} from './types.js';

/** File name of the registrations database inside a data directory. */
export const REGISTRATIONS_FILE_NAME = 'registrations.sqlite';

export interface SqliteRegistrationStoreOptions {
  /** Registrations kept per user, evicting the least recently registered first. Default 20. */
  maxDevicesPerUser?: number;
  /**
   * Milliseconds to wait for another process's write lock. Default 2000. The wait
   * blocks the event loop, so a server passes a short one and retries instead.
   */
  busyTimeoutMs?: number;
}

/** A write that gave up waiting for another process's write lock; worth retrying later. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
}

const UPSERT = `
  INSERT INTO registrations (user, device_token, account_id, subtopic, mailboxes,
    aps_version, topic, created_at, updated_at, expires_at)
  VALUES (@user, @deviceToken, @accountId, @subtopic, @mailboxes,
    @apsVersion, @topic, @now, @now, @expiresAt)
  ON CONFLICT (user, device_token) DO UPDATE SET
    account_id = excluded.account_id, subtopic = excluded.subtopic,
    mailboxes = excluded.mailboxes, aps_version = excluded.aps_version,
    topic = excluded.topic, updated_at = excluded.updated_at,
    expires_at = excluded.expires_at
  RETURNING *`;

// Keeps the just-registered device first, then the most recently registered.
const EVICT_OVER_CAP = `
  DELETE FROM registrations WHERE user = @user AND device_token IN (
    SELECT device_token FROM registrations
    WHERE user = @user AND expires_at > @now
    ORDER BY device_token = @deviceToken DESC, updated_at DESC, device_token
    LIMIT -1 OFFSET @cap)
  RETURNING device_token, updated_at`;

type EvictedRow = Pick<RegistrationRow, 'device_token' | 'updated_at'>;

/** Rows of one upsert transaction: the row written or kept, and the rows evicted. */
interface UpsertRows {
  row: RegistrationRow;
  evictedRows: EvictedRow[];
}

/**
 * Registration store on one SQLite file, for the single-host mode. Several
 * processes may open the same file: the server and any number of CLI runs.
 */
export class SqliteRegistrationStore implements RegistrationStore {
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  readonly #db: Database.Database;
  readonly #cap: number;
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(path: string, options: SqliteRegistrationStoreOptions = {}) {
    this.#path = path;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.#cap = checkCap(options.maxDevicesPerUser ?? DEFAULT_MAX_DEVICES_PER_USER);
    this.#db = openRegistrationsDatabase(path, this.#busyTimeoutMs);
    this.#statements = prepareStatements(this.#db);
  }

  async upsert(input: RegistrationInput, now = Date.now()): Promise<UpsertResult> {
    // IMMEDIATE takes the write lock up front: a deferred transaction that
    // reads first can fail with SQLITE_BUSY in WAL mode instead of waiting.
    // Holding it also means no other process writes between the read and the write.
    const run = this.#db.transaction(() => this.#writeRegistration(input, now));
    const { row, evictedRows } = this.#write(() => run.immediate());

    evictedRows.sort((a, b) => a.updated_at - b.updated_at);
    return {
      registration: fromRow(row),
      evicted: evictedRows.map((r) => r.device_token),
    };
  }

  async listByUser(user: string, now = Date.now()): Promise<Registration[]> {
    const rows = this.#statements.listByUser.all({ user, now }) as RegistrationRow[];
    return rows.map(fromRow);
  }

  async listByDeviceToken(
    deviceToken: string,
    now = Date.now(),
  ): Promise<Registration[]> {
    const rows = this.#statements.listByDeviceToken.all({
      deviceToken,
      now,
    }) as RegistrationRow[];
    return rows.map(fromRow);
  }

  async listUsers(now = Date.now()): Promise<string[]> {
    const rows = this.#statements.listUsers.all({ now }) as Pick<
      RegistrationRow,
      'user'
    >[];
    return rows.map((row) => row.user);
  }

  async delete(user: string, deviceToken: string): Promise<boolean> {
    const result = this.#write(() => this.#statements.delete.run({ user, deviceToken }));
    return result.changes > 0;
  }

  async deleteIfNotRefreshedSince(
    user: string,
    deviceToken: string,
    since: number,
  ): Promise<boolean> {
    const statement = this.#statements.deleteIfNotRefreshedSince;
    const result = this.#write(() => statement.run({ user, deviceToken, since }));
    return result.changes > 0;
  }

  async deleteByUser(user: string): Promise<number> {
    return this.#write(() => this.#statements.deleteByUser.run({ user })).changes;
  }

  /** Deletes every expired registration and returns how many were removed. */
  async purgeExpired(now = Date.now()): Promise<number> {
    return this.#write(() => this.#statements.purgeExpired.run({ now })).changes;
  }

  async close(): Promise<void> {
    if (this.#db.open) {
      this.#db.close();
    }
  }

  /**
   * Writes one registration and trims the user to the cap, inside the upsert
   * transaction. Leaves a live row with a later updatedAt untouched.
   */
  #writeRegistration(input: RegistrationInput, now: number): UpsertRows {
    const statements = this.#statements;
    const key = { user: input.user, deviceToken: input.deviceToken };
    const stored = statements.selectOne.get(key) as RegistrationRow | undefined;
    if (stored !== undefined && stored.expires_at > now && stored.updated_at > now) {
      return { row: stored, evictedRows: [] };
    }

    // Dropping the user's expired rows first means an expired registration
    // restarts with a new createdAt and never counts toward the cap.
    statements.purgeUserExpired.run({ user: input.user, now });
    const params = toUpsertParameters(input, now, now + REGISTRATION_TTL_MS);
    const row = statements.upsert.get(params) as RegistrationRow;
    const evictedRows = statements.evictOverCap.all({
      ...key,
      now,
      cap: this.#cap,
    }) as EvictedRow[];
    return { row, evictedRows };
  }

  /** Runs a write, turning a lock wait that timed out into an error naming the file. */
  #write<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
        throw new StoreBusyError(
          `registrations database '${this.#path}': waiting for another process's ` +
            `write lock timed out after ${this.#busyTimeoutMs} ms: retry, and look ` +
            'for a stuck xaps process',
          { cause: error },
        );
      }
      throw error;
    }
  }
}

function prepareStatements(db: Database.Database) {
  const live = 'expires_at > @now';
  return {
    selectOne: db.prepare(
      'SELECT * FROM registrations WHERE user = @user AND device_token = @deviceToken',
    ),
    upsert: db.prepare(UPSERT),
    evictOverCap: db.prepare(EVICT_OVER_CAP),
    purgeUserExpired: db.prepare(
      'DELETE FROM registrations WHERE user = @user AND expires_at <= @now',
    ),
    purgeExpired: db.prepare('DELETE FROM registrations WHERE expires_at <= @now'),
    listByUser: db.prepare(
      `SELECT * FROM registrations WHERE user = @user AND ${live}
       ORDER BY updated_at DESC, device_token`,
    ),
    listByDeviceToken: db.prepare(
      `SELECT * FROM registrations WHERE device_token = @deviceToken AND ${live}
       ORDER BY user`,
    ),
    listUsers: db.prepare(
      `SELECT DISTINCT user FROM registrations WHERE ${live} ORDER BY user`,
    ),
    delete: db.prepare(
      'DELETE FROM registrations WHERE user = @user AND device_token = @deviceToken',
    ),
    deleteIfNotRefreshedSince: db.prepare(
      `DELETE FROM registrations
       WHERE user = @user AND device_token = @deviceToken AND updated_at <= @since`,
    ),
    deleteByUser: db.prepare('DELETE FROM registrations WHERE user = @user'),
  };
}

function checkCap(cap: number): number {
  if (!Number.isSafeInteger(cap) || cap < 1) {
    throw new Error(
      `maxDevicesPerUser ${cap} is invalid: expected a whole number of at least 1`,
    );
  }
  return cap;
}
