import {
  nonEmptyString,
  type ParsedMailEvents,
  type RecordIds,
  skipOnly,
} from './parse-result.js';
import type { ShimMailboxEvent } from './types.js';

/** The `type` value that distinguishes a shim mailbox event from SES notifications. */
export const SHIM_EVENT_TYPE: ShimMailboxEvent['type'] = 'xaps.mailbox-event';
/** The one ShimMailboxEvent format version this code reads. */
export const SHIM_EVENT_FORMAT_VERSION: ShimMailboxEvent['formatVersion'] = 1;

/**
 * Turns a shim mailbox event (an SNS Message whose `type` is SHIM_EVENT_TYPE) into one
 * event. The shim has already passed the username through the user mapping it stores
 * registrations under, so the name is used as it arrives.
 */
export function eventFromShimMessage(
  message: Record<string, unknown>,
  ids: RecordIds,
): ParsedMailEvents {
  if (message.formatVersion !== SHIM_EVENT_FORMAT_VERSION) {
    return skipOnly({
      ...ids,
      reason: 'unsupported-format-version',
      detail:
        `shim mailbox event has formatVersion ${JSON.stringify(message.formatVersion)}, ` +
        `but this push function reads version ${SHIM_EVENT_FORMAT_VERSION} only: ` +
        'deploy the push function of the same release as the shim',
    });
  }

  const eventId = nonEmptyString(message.eventId);
  const user = nonEmptyString(message.user);
  const mailbox = nonEmptyString(message.mailbox);
  const events = message.events;
  const eventsValid =
    Array.isArray(events) && events.every((name) => typeof name === 'string');
  const invalid = [
    eventId === undefined && 'eventId',
    user === undefined && 'user',
    mailbox === undefined && 'mailbox',
    !eventsValid && 'events',
  ].filter((field): field is string => field !== false);

  if (
    eventId === undefined ||
    user === undefined ||
    mailbox === undefined ||
    !eventsValid
  ) {
    return skipOnly({
      ...ids,
      reason: 'invalid-shim-event',
      detail:
        `shim mailbox event has a missing or invalid ${invalid.join(', ')}: expected ` +
        'non-empty strings for eventId, user and mailbox, and a list of event names',
    });
  }
  return { events: [{ source: 'shim', eventId, user, mailbox }], skipped: [] };
}
