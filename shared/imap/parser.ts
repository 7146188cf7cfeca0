import { XapsCommandError } from './errors.js';
import { asciiLowerCase } from './strings.js';
import { type ImapToken, tokenizeArguments } from './tokenizer.js';
import type { XapsRegistration } from './types.js';
import {
  type RegistrationFields,
  type RegistrationOptions,
  validateRegistrationFields,
  XAPS_KEYS,
} from './validate.js';

type FieldName = keyof RegistrationFields;

const FIELD_BY_KEY = new Map<string, FieldName>(
  Object.entries(XAPS_KEYS).map(([field, key]) => [key, field as FieldName]),
);

/**
 * Parses and validates the arguments of an XAPPLEPUSHSERVICE command: the bytes after
 * `TAG XAPPLEPUSHSERVICE `, literal payloads included (see tokenizeArguments for the
 * input contract). Keys are matched case-insensitively in any order, and pairs with
 * unknown keys are skipped, because newer iOS appends e.g. `sender <value>`. A known
 * key given twice is rejected as ambiguous. Throws only XapsCommandError.
 */
export function parseXapplepushservice(
  args: string | Uint8Array,
  options: RegistrationOptions = {},
): XapsRegistration {
  const fields = collectFields(tokenizeArguments(args));
  return validateRegistrationFields(fields, options);
}

function collectFields(tokens: readonly ImapToken[]): RegistrationFields {
  const fields: RegistrationFields = {};
  const seen = new Set<FieldName>();

  for (let i = 0; i < tokens.length; i += 2) {
    const keyToken = tokens[i];
    const key = keyToken === undefined ? undefined : readKey(keyToken, i);
    const field = key === undefined ? undefined : FIELD_BY_KEY.get(key);
    if (key === undefined || field === undefined) {
      continue;
    }
    if (seen.has(field)) {
      throw new XapsCommandError(
        'duplicate-key',
        key,
        `${key} appears more than once: send each key once`,
      );
    }
    seen.add(field);

    const valueToken = tokens[i + 1];
    if (valueToken === undefined) {
      throw new XapsCommandError(
        'missing-value',
        key,
        `${key} has no value: send a value after ${key}`,
      );
    }
    fields[field] =
      field === 'mailboxes' ? readMailboxes(valueToken) : readScalar(valueToken, key);
  }

  return fields;
}

/** Reads a key as a lower-case string. A key is an astring, so NIL or a list is invalid. */
function readKey(token: ImapToken, index: number): string {
  if (token.kind === 'atom' || token.kind === 'string') {
    return asciiLowerCase(token.value);
  }
  const found = token.kind === 'nil' ? 'NIL' : 'a list';
  throw new XapsCommandError(
    'syntax',
    undefined,
    `XAPPLEPUSHSERVICE argument ${index + 1} should be a key, but is ${found}: ` +
      'send key/value pairs',
  );
}

/** Reads a single value: a string, or null for NIL. */
function readScalar(token: ImapToken, key: string): string | null {
  if (token.kind === 'atom' || token.kind === 'string') {
    return token.value;
  }
  if (token.kind === 'nil') {
    return null;
  }
  throw new XapsCommandError(
    'syntax',
    key,
    `${key} must be a single value, not a list: send e.g. ${key} "value"`,
  );
}

/**
 * Reads the mailboxes value as a list of names, with null for NIL. A scalar is passed
 * on for the validator to reject.
 */
function readMailboxes(token: ImapToken): unknown {
  if (token.kind !== 'list') {
    return readScalar(token, XAPS_KEYS.mailboxes);
  }
  return token.items.map((item) => {
    if (item.kind === 'list') {
      throw new XapsCommandError(
        'syntax',
        XAPS_KEYS.mailboxes,
        `${XAPS_KEYS.mailboxes} must be a flat list of names, without nested lists`,
      );
    }
    return readScalar(item, XAPS_KEYS.mailboxes);
  });
}
