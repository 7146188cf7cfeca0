import type { UserMapping } from '../users/user-mapping.js';
import {
  isRecord,
  nonEmptyString,
  type ParsedMailEvents,
  type RecordIds,
  type SkippedRecord,
  skipOnly,
} from './parse-result.js';
import type { NewMailEvent } from './types.js';

/** SES receipt rules deliver to a recipient, not to a folder, so new mail lands in INBOX. */
export const SES_MAILBOX = 'INBOX';

/**
 * Turns the `mail` and `receipt` objects of an SES Received notification (SNS action or
 * direct Lambda action) into one event per user. Routing follows receipt.recipients, the
 * envelope recipients this receipt rule matched: mail.destination and the To/Cc headers
 * also name recipients that other rules or other servers handle. Recipients that map to
 * the same user (plus tags, letter case, aliases) give that user one event.
 */
export function eventsFromSesReceipt(
  mail: unknown,
  receipt: unknown,
  users: UserMapping,
  ids: RecordIds,
): ParsedMailEvents {
  const messageId = isRecord(mail) ? nonEmptyString(mail.messageId) : undefined;
  if (messageId === undefined) {
    return skipOnly({
      ...ids,
      reason: 'invalid-ses-notification',
      detail:
        'SES notification has no mail.messageId: expected the Received notification ' +
        'that an SES receipt rule publishes',
    });
  }

  const sesIds = { ...ids, sesMessageId: messageId };
  const recipients = isRecord(receipt) ? receipt.recipients : undefined;
  if (!Array.isArray(recipients) || recipients.length === 0) {
    return skipOnly({
      ...sesIds,
      reason: 'no-recipients',
      detail: 'SES notification has no receipt.recipients, so no user can be found',
    });
  }

  const events: NewMailEvent[] = [];
  const skipped: SkippedRecord[] = [];
  const seenUsers = new Set<string>();
  for (const recipient of recipients) {
    const mapped = mapRecipient(recipient, users);
    if (typeof mapped !== 'string') {
      skipped.push({ ...sesIds, ...mapped });
      continue;
    }
    if (seenUsers.has(mapped)) {
      continue;
    }
    seenUsers.add(mapped);
    events.push({
      source: 'ses',
      eventId: messageId,
      user: mapped,
      mailbox: SES_MAILBOX,
    });
  }
  return { events, skipped };
}

/** Returns the username of one envelope recipient, or why it has none. */
function mapRecipient(
  recipient: unknown,
  users: UserMapping,
): string | Pick<SkippedRecord, 'reason' | 'detail'> {
  if (typeof recipient !== 'string') {
    return {
      reason: 'invalid-recipient',
      detail: `receipt.recipients contains ${JSON.stringify(recipient)}: expected an address`,
    };
  }
  try {
    return users.map(recipient);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { reason: 'invalid-recipient', detail: reason };
  }
}
