import type { UserMapping } from '../users/user-mapping.js';
import {
  isRecord,
  nonEmptyString,
  type ParsedMailEvents,
  type RecordIds,
  skipOnly,
} from './parse-result.js';
import { eventsFromSesReceipt } from './ses-receipt.js';
import { eventFromShimMessage, SHIM_EVENT_TYPE } from './shim-event.js';

/**
 * Start of the plain-text message SES publishes once when a topic is chosen for its
 * notifications ("Successfully validated SNS topic for Amazon SES notifications.").
 */
const SES_VALIDATION_TEXT = 'Successfully validated SNS topic';

/**
 * Turns the `Sns` object of one SNS record into events. Its Message is a JSON string to
 * parse again: an SES notification or a shim mailbox event. Anything else the topic
 * carries is skipped with its reason.
 */
export function eventsFromSnsRecord(
  sns: Record<string, unknown>,
  users: UserMapping,
): ParsedMailEvents {
  const snsMessageId = nonEmptyString(sns.MessageId);
  const ids: RecordIds = snsMessageId === undefined ? {} : { snsMessageId };

  if (sns.Type !== 'Notification' || typeof sns.Message !== 'string') {
    return skipOnly({
      ...ids,
      reason: 'invalid-sns-record',
      detail:
        `SNS record of Type ${JSON.stringify(sns.Type)} with a ${typeof sns.Message} ` +
        'Message: expected Type Notification with a string Message',
    });
  }

  const message = sns.Message;
  const payload = parseJson(message);
  if (payload === undefined) {
    return message.startsWith(SES_VALIDATION_TEXT)
      ? skipOnly({ ...ids, reason: 'ses-topic-validation', detail: message })
      : skipOnly({
          ...ids,
          reason: 'not-json',
          detail: `SNS Message is not JSON (starts with ${JSON.stringify(message.slice(0, 40))})`,
        });
  }
  return eventsFromPayload(payload, users, ids);
}

function eventsFromPayload(
  payload: unknown,
  users: UserMapping,
  ids: RecordIds,
): ParsedMailEvents {
  if (!isRecord(payload)) {
    return skipOnly({
      ...ids,
      reason: 'unknown-message',
      detail: 'SNS Message is not an object',
    });
  }
  if (payload.type === SHIM_EVENT_TYPE) {
    return eventFromShimMessage(payload, ids);
  }

  // SES notifications name their kind in notificationType; SES event publishing in eventType.
  const sesType =
    nonEmptyString(payload.notificationType) ?? nonEmptyString(payload.eventType);
  if (sesType === 'Received') {
    return eventsFromSesReceipt(payload.mail, payload.receipt, users, ids);
  }
  if (sesType !== undefined) {
    const messageId = isRecord(payload.mail)
      ? nonEmptyString(payload.mail.messageId)
      : undefined;
    return skipOnly({
      ...ids,
      ...(messageId === undefined ? {} : { sesMessageId: messageId }),
      reason: 'ses-not-received',
      detail: `SES ${sesType} notification: only Received notifications announce new mail`,
    });
  }
  return skipOnly({
    ...ids,
    reason: 'unknown-message',
    detail:
      'SNS Message is JSON without notificationType or type: expected an SES ' +
      `notification or a shim mailbox event (type ${SHIM_EVENT_TYPE})`,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
