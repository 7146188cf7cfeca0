import { describeValue, XapsCommandError, type XapsRule } from './errors.js';
import { decodeModifiedUtf7 } from './mutf7.js';
import { MAIL_SUBTOPIC, type XapsRegistration } from './types.js';

/** The command keys, as iOS spells them. */
export const XAPS_KEYS = {
  apsVersion: 'aps-version',
  accountId: 'aps-account-id',
  deviceToken: 'aps-device-token',
  subtopic: 'aps-subtopic',
  mailboxes: 'mailboxes',
} as const;

/**
 * Registration values as a client sent them, before validation: from the IMAP command,
 * or from the JSON that Dovecot's xaps plugin posts. `undefined` means absent and
 * `null` means NIL. Mailbox names are still raw (modified UTF-7 unless UTF8=ACCEPT).
 */
export interface RegistrationFields {
  /** Dovecot's xaps plugin posts no version: pass 2, because the plugin requires mailboxes. */
  apsVersion?: unknown;
  accountId?: unknown;
  deviceToken?: unknown;
  subtopic?: unknown;
  mailboxes?: unknown;
}

export interface RegistrationOptions {
  /** True when the client enabled UTF8=ACCEPT, so mailbox names are UTF-8. */
  utf8Accept?: boolean;
}

/** Accepted device token lengths in hex digits: 32 to 100 bytes, since APNs tokens vary. */
export const MIN_DEVICE_TOKEN_HEX = 64;
export const MAX_DEVICE_TOKEN_HEX = 200;
/** Maximum aps-account-id length. iOS sends a 36-character UUID, echoed in every push. */
export const MAX_ACCOUNT_ID_LENGTH = 256;

const CONTROL_OR_SURROGATE = /[\p{Cc}\p{Cs}]/u;

/**
 * Validates and normalises registration values by the rules of XAPPLEPUSHSERVICE. It
 * requires a positive integer aps-version, the iOS Mail subtopic, a non-empty account
 * id and an even-length hex device token of 64 to 200 digits, returned lower-case.
 * Version 2 and later also need a non-empty mailbox list. Names are decoded to UTF-8,
 * INBOX in any case becomes 'INBOX' and duplicates are dropped. Version 1 always
 * registers INBOX only. Throws XapsCommandError naming the broken rule and the key.
 */
export function validateRegistrationFields(
  fields: RegistrationFields,
  options: RegistrationOptions = {},
): XapsRegistration {
  const apsVersion = validateVersion(fields.apsVersion);
  const subtopic = validateSubtopic(fields.subtopic);
  const accountId = validateAccountId(fields.accountId);
  const deviceToken = validateDeviceToken(fields.deviceToken);
  const mailboxes = validateMailboxes(fields.mailboxes, apsVersion, options);
  return { apsVersion, accountId, deviceToken, subtopic, mailboxes };
}

function validateVersion(value: unknown): number {
  const key = XAPS_KEYS.apsVersion;
  const text =
    typeof value === 'number' ? String(value) : requireString(value, key, 'bad-version');
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1) {
    fail(
      'bad-version',
      key,
      `${key} ${describeValue(text)} is invalid: send a positive integer, e.g. 2`,
    );
  }
  return Number(text);
}

function validateSubtopic(value: unknown): string {
  const key = XAPS_KEYS.subtopic;
  const subtopic = requireString(value, key, 'bad-subtopic');
  if (subtopic !== MAIL_SUBTOPIC) {
    fail(
      'bad-subtopic',
      key,
      `${key} ${describeValue(subtopic)} is not supported: ` +
        `only ${MAIL_SUBTOPIC} registers for mail push`,
    );
  }
  return subtopic;
}

function validateAccountId(value: unknown): string {
  const key = XAPS_KEYS.accountId;
  const accountId = requireString(value, key, 'bad-account-id');
  let problem: string | undefined;
  if (accountId.trim() === '') {
    problem = 'is empty';
  } else if (accountId.length > MAX_ACCOUNT_ID_LENGTH) {
    problem = `is longer than ${MAX_ACCOUNT_ID_LENGTH} characters`;
  } else if (CONTROL_OR_SURROGATE.test(accountId)) {
    problem = 'contains control characters';
  }
  if (problem !== undefined) {
    fail(
      'bad-account-id',
      key,
      `${key} ${describeValue(accountId)} ${problem}: send the account's identifier, ` +
        'as iOS does (a UUID)',
    );
  }
  return accountId;
}

function validateDeviceToken(value: unknown): string {
  const key = XAPS_KEYS.deviceToken;
  const token = requireString(value, key, 'bad-device-token');
  const validLength =
    token.length % 2 === 0 &&
    token.length >= MIN_DEVICE_TOKEN_HEX &&
    token.length <= MAX_DEVICE_TOKEN_HEX;
  if (!validLength || !/^[0-9a-fA-F]*$/.test(token)) {
    // Only a prefix is shown, because messages get logged and a token is a push address.
    const prefix =
      token.length > 8 ? `${describeValue(token.slice(0, 8))}...` : describeValue(token);
    fail(
      'bad-device-token',
      key,
      `${key} ${prefix} (${token.length} characters) is invalid: send an even number ` +
        `of hex digits, ${MIN_DEVICE_TOKEN_HEX} to ${MAX_DEVICE_TOKEN_HEX}`,
    );
  }
  return token.toLowerCase();
}

function validateMailboxes(
  value: unknown,
  apsVersion: number,
  options: RegistrationOptions,
): string[] {
  const key = XAPS_KEYS.mailboxes;
  if (value === undefined && apsVersion === 1) {
    return ['INBOX'];
  }
  const list = requireList(value, apsVersion);
  const names = new Set<string>();
  for (const raw of list) {
    names.add(validateMailboxName(raw, options));
  }
  if (names.size === 0) {
    fail(
      'bad-mailbox-list',
      key,
      `${key} is empty: list at least one mailbox, e.g. (INBOX)`,
    );
  }
  return apsVersion === 1 ? ['INBOX'] : [...names];
}

function requireList(value: unknown, apsVersion: number): readonly unknown[] {
  const key = XAPS_KEYS.mailboxes;
  if (value === undefined) {
    fail(
      'missing-key',
      key,
      `${key} is missing: aps-version ${apsVersion} needs a mailbox list, e.g. (INBOX)`,
    );
  }
  if (value === null) {
    fail('nil-value', key, `${key} is NIL: send a list of mailbox names, e.g. (INBOX)`);
  }
  if (!Array.isArray(value)) {
    fail(
      'bad-mailbox-list',
      key,
      `${key} must be a parenthesised list of mailbox names, e.g. (INBOX)`,
    );
  }
  return value;
}

function validateMailboxName(raw: unknown, options: RegistrationOptions): string {
  const key = XAPS_KEYS.mailboxes;
  if (raw === null) {
    fail('nil-value', key, `${key} contains NIL: send only mailbox names`);
  }
  if (typeof raw !== 'string') {
    fail('bad-mailbox', key, `${key} contains a value that is not a mailbox name`);
  }
  const name = options.utf8Accept === true ? raw : decodeModifiedUtf7(raw);
  if (name === '') {
    fail('bad-mailbox', key, `${key} contains an empty mailbox name`);
  }
  if (CONTROL_OR_SURROGATE.test(name)) {
    fail(
      'bad-mailbox',
      key,
      `mailbox name ${describeValue(name)} contains control characters, ` +
        'which no mailbox name may contain',
    );
  }
  // RFC 3501 makes INBOX case-insensitive; every other name keeps its case.
  return /^inbox$/i.test(name) ? 'INBOX' : name;
}

/** Checks that a value is present, not NIL and a string; `rule` is for other types. */
function requireString(value: unknown, key: string, rule: XapsRule): string {
  if (value === undefined) {
    fail('missing-key', key, `${key} is missing: send ${key} with a value`);
  }
  if (value === null) {
    fail('nil-value', key, `${key} is NIL: send a value for ${key}`);
  }
  if (typeof value !== 'string') {
    fail(rule, key, `${key} must be a string`);
  }
  return value;
}

function fail(rule: XapsRule, argument: string, message: string): never {
  throw new XapsCommandError(rule, argument, message);
}
