/** Days a registration stays valid after the device last registered. */
export const REGISTRATION_TTL_DAYS = 30;
export const REGISTRATION_TTL_MS = REGISTRATION_TTL_DAYS * 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_DEVICES_PER_USER = 20;

/** The registration a device requested with XAPPLEPUSHSERVICE, after validation. */
export interface RegistrationInput {
  /** Canonical username, already passed through the user mapping. */
  user: string;
  /** Lower-case hex, 64 to 200 characters, even length. */
  deviceToken: string;
  /** aps-account-id, sent back as aps.account-id in every push. */
  accountId: string;
  /** aps-subtopic, com.apple.mobilemail for iOS Mail. */
  subtopic: string;
  /** Mailbox names in UTF-8 (decoded from modified UTF-7). */
  mailboxes: string[];
  /** aps-version the client sent (1 or 2). */
  apsVersion: number;
  /** APNs topic the server returned at registration. */
  topic: string;
}

/** One stored registration, keyed by (user, deviceToken). Times are epoch milliseconds. */
export interface Registration extends RegistrationInput {
  createdAt: number;
  updatedAt: number;
  /** updatedAt + 30 days; rows past it are filtered out of every read. */
  expiresAt: number;
}

export interface UpsertResult {
  registration: Registration;
  /** Device tokens removed because the user went over the device cap. */
  evicted: string[];
}

/**
 * The registrations store. The embedded (SQLite) and DynamoDB adapters both
 * implement it and pass the same contract suite. Every `now` is epoch ms and
 * defaults to Date.now(); reads never return rows whose expiresAt <= now.
 */
export interface RegistrationStore {
  /**
   * Inserts or refreshes a registration and enforces the per-user device cap.
   * A live row whose updatedAt is later than `now` (a write replayed with its
   * original time, or a writer whose clock lags) is kept unchanged and returned
   * with evicted [], so callers detect it by updatedAt > now. At an equal
   * updatedAt the write wins, and an expired row is always replaced.
   */
  upsert(input: RegistrationInput, now?: number): Promise<UpsertResult>;
  /** Lists a user's unexpired registrations, most recently registered first. */
  listByUser(user: string, now?: number): Promise<Registration[]>;
  /** Lists unexpired registrations of one device token, across users. */
  listByDeviceToken(deviceToken: string, now?: number): Promise<Registration[]>;
  /** Lists users that have at least one unexpired registration. */
  listUsers(now?: number): Promise<string[]>;
  /** Deletes one registration; true when a row was removed. */
  delete(user: string, deviceToken: string): Promise<boolean>;
  /**
   * Deletes one registration only when it was not refreshed after `since`
   * (updatedAt <= since): the 410 cleanup, which must keep a device that
   * registered again after APNs saw its token die. True when a row was removed.
   */
  deleteIfNotRefreshedSince(
    user: string,
    deviceToken: string,
    since: number,
  ): Promise<boolean>;
  /** Deletes all of a user's registrations and returns how many were removed. */
  deleteByUser(user: string): Promise<number>;
  close(): Promise<void>;
}
