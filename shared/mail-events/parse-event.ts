import type { UserMapping } from '../users/user-mapping.js';
import {
  isRecord,
  mergeResults,
  type ParsedMailEvents,
  skipOnly,
} from './parse-result.js';
import { eventsFromSesReceipt } from './ses-receipt.js';
import { eventsFromSnsRecord } from './sns-message.js';

/**
 * Parses the event of the push function into new-mail events plus the records it
 * skipped, with reasons. Three shapes lead to a push: an SNS record wrapping an SES
 * Received notification, a record of SES's direct Lambda action, and an SNS record
 * wrapping a shim mailbox event. Never throws: whatever else arrives is skipped, so one
 * stray message cannot make Lambda retry the whole batch.
 */
export function parseMailEvent(event: unknown, users: UserMapping): ParsedMailEvents {
  const records = isRecord(event) ? event.Records : undefined;
  if (!Array.isArray(records)) {
    return skipOnly({
      reason: 'unknown-record',
      detail: 'event has no Records list: expected an SNS or SES event',
    });
  }
  return mergeResults(records.map((record, index) => parseRecord(record, index, users)));
}

function parseRecord(
  record: unknown,
  index: number,
  users: UserMapping,
): ParsedMailEvents {
  if (!isRecord(record)) {
    return skipOnly({
      reason: 'unknown-record',
      detail: `Records[${index}] is not an object`,
    });
  }

  // SNS spells the source key EventSource, SES spells it eventSource.
  if (record.EventSource === 'aws:sns' && isRecord(record.Sns)) {
    return eventsFromSnsRecord(record.Sns, users);
  }
  if (record.eventSource === 'aws:ses' && isRecord(record.ses)) {
    return eventsFromSesReceipt(record.ses.mail, record.ses.receipt, users, {});
  }

  const source = record.EventSource ?? record.eventSource;
  return skipOnly({
    reason: 'unknown-record',
    detail:
      `Records[${index}] comes from ${JSON.stringify(source)}: expected aws:sns ` +
      'with an Sns object or aws:ses with an ses object',
  });
}
