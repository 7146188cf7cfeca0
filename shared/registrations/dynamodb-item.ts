import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { tokenPrefix } from '../log/logger.js';
import {
  REGISTRATION_LISTING,
  registrationKey,
  TTL_ATTRIBUTE,
} from './dynamodb-schema.js';
import type { Registration, RegistrationInput } from './types.js';

/** A DynamoDB item as the document client reads and writes it. */
export type DynamoItem = Record<string, unknown>;

/** Builds the stored item of a registration written at `createdAt`/`updatedAt`. */
export function toRegistrationItem(
  input: RegistrationInput,
  times: { createdAt: number; updatedAt: number; expiresAt: number },
): DynamoItem {
  return {
    ...registrationKey(input.user, input.deviceToken),
    listing: REGISTRATION_LISTING,
    user: input.user,
    deviceToken: input.deviceToken,
    accountId: input.accountId,
    subtopic: input.subtopic,
    mailboxes: [...input.mailboxes],
    apsVersion: input.apsVersion,
    topic: input.topic,
    createdAt: times.createdAt,
    updatedAt: times.updatedAt,
    expiresAtMs: times.expiresAt,
    // Rounded up so DynamoDB never deletes an item that reads still return.
    [TTL_ATTRIBUTE]: Math.ceil(times.expiresAt / 1000),
  };
}

/** Converts a stored item into a Registration, checking every field's type. */
export function fromRegistrationItem(item: DynamoItem): Registration {
  const user = stringField(item, 'user');
  const deviceToken = stringField(item, 'deviceToken');
  const fail = (field: string, expected: string): never => {
    throw new Error(
      `registration of user '${user}', device ${tokenPrefix(deviceToken)} has an ` +
        `invalid ${field} ${JSON.stringify(item[field])}: expected ${expected}; ` +
        'delete the registration so the device registers again',
    );
  };

  const read = (field: string): string => {
    const value = item[field];
    return typeof value === 'string' ? value : fail(field, 'a string');
  };
  const readNumber = (field: string): number => {
    const value = item[field];
    return typeof value === 'number' && Number.isFinite(value)
      ? value
      : fail(field, 'a number');
  };

  const mailboxes = item.mailboxes;
  if (!Array.isArray(mailboxes) || !mailboxes.every((m) => typeof m === 'string')) {
    return fail('mailboxes', 'a list of mailbox names');
  }

  return {
    user,
    deviceToken,
    accountId: read('accountId'),
    subtopic: read('subtopic'),
    mailboxes: [...mailboxes],
    apsVersion: readNumber('apsVersion'),
    topic: read('topic'),
    createdAt: readNumber('createdAt'),
    updatedAt: readNumber('updatedAt'),
    expiresAt: readNumber('expiresAtMs'),
  };
}

/** Reads the expiry in epoch ms of an item, or 0 when it has none (treated as expired). */
export function itemExpiresAtMs(item: DynamoItem): number {
  const value = item.expiresAtMs;
  return typeof value === 'number' ? value : 0;
}

/**
 * Converts a wire-format item, as a failed condition returns it (the document client
 * does not convert errors), into the document client's form. Binary and set values,
 * which registrations never contain, become undefined and fail fromRegistrationItem.
 */
export function fromWireItem(item: Record<string, AttributeValue>): DynamoItem {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, fromWireValue(value)]),
  );
}

function fromWireValue(value: AttributeValue): unknown {
  if (value.S !== undefined) {
    return value.S;
  }
  if (value.N !== undefined) {
    return Number(value.N);
  }
  if (value.BOOL !== undefined) {
    return value.BOOL;
  }
  if (value.NULL !== undefined) {
    return null;
  }
  if (value.L !== undefined) {
    return value.L.map(fromWireValue);
  }
  return value.M === undefined ? undefined : fromWireItem(value.M);
}

function stringField(item: DynamoItem, field: string): string {
  const value = item[field];
  if (typeof value !== 'string') {
    throw new Error(
      `registration item under ${JSON.stringify(item.pk)} has no string ${field}: ` +
        'delete the item, this store did not write it',
    );
  }
  return value;
}
