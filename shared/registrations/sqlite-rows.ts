import { tokenPrefix } from '../log/logger.js';
import type { Registration, RegistrationInput } from './types.js';

/** One row of the registrations table, as better-sqlite3 returns it. */
export interface RegistrationRow {
  user: string;
  device_token: string;
  account_id: string;
  subtopic: string;
  mailboxes: string;
  aps_version: number;
  topic: string;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

/** Named parameters of the upsert statement. */
export interface UpsertParameters {
  user: string;
  deviceToken: string;
  accountId: string;
  subtopic: string;
  mailboxes: string;
  apsVersion: number;
  topic: string;
  now: number;
  expiresAt: number;
}

/** Builds the upsert parameters, storing the mailbox list as JSON text. */
export function toUpsertParameters(
  input: RegistrationInput,
  now: number,
  expiresAt: number,
): UpsertParameters {
  return {
    user: input.user,
    deviceToken: input.deviceToken,
    accountId: input.accountId,
    subtopic: input.subtopic,
    mailboxes: JSON.stringify(input.mailboxes),
    apsVersion: input.apsVersion,
    topic: input.topic,
    now,
    expiresAt,
  };
}

/** Converts a stored row into a Registration, checking the mailbox JSON. */
export function fromRow(row: RegistrationRow): Registration {
  return {
    user: row.user,
    deviceToken: row.device_token,
    accountId: row.account_id,
    subtopic: row.subtopic,
    mailboxes: parseMailboxes(row),
    apsVersion: row.aps_version,
    topic: row.topic,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}

function parseMailboxes(row: RegistrationRow): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.mailboxes);
  } catch {
    parsed = undefined;
  }

  if (!isStringArray(parsed)) {
    throw new Error(
      `registration of user '${row.user}', device ${tokenPrefix(row.device_token)} ` +
        `has an invalid mailbox list ${JSON.stringify(row.mailboxes)}: expected a ` +
        'JSON array of names; delete the registration so the device registers again',
    );
  }
  return parsed;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((name) => typeof name === 'string');
}
