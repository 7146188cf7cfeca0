import type { Logger } from '../log/logger.js';
import type { NewMailEvent } from './types.js';

/** Reason that a record of a Lambda event produced no push. */
export type SkipReason =
  /** A record from neither SNS nor SES, or an event without Records. */
  | 'unknown-record'
  /** An SNS record whose Type is not Notification, or whose Message is not a string. */
  | 'invalid-sns-record'
  /** The text SES publishes once when a topic is set up for its notifications. */
  | 'ses-topic-validation'
  /** An SNS Message that is neither JSON nor the SES validation text. */
  | 'not-json'
  /** An SES notification other than Received: Bounce, Complaint, Delivery and the like. */
  | 'ses-not-received'
  /** A Received notification without a usable mail.messageId. */
  | 'invalid-ses-notification'
  /** A Received notification without envelope recipients. */
  | 'no-recipients'
  /** One envelope recipient that the user mapping cannot turn into a username. */
  | 'invalid-recipient'
  /** A shim mailbox event with a missing or mistyped field. */
  | 'invalid-shim-event'
  /** A shim mailbox event in a format version this code does not read. */
  | 'unsupported-format-version'
  /** JSON that is neither an SES notification nor a shim mailbox event. */
  | 'unknown-message';

/** The ids that let an operator find a skipped record in SNS and SES logs. */
export interface RecordIds {
  snsMessageId?: string;
  sesMessageId?: string;
}

/** One record, or one recipient of a record, that was acknowledged without a push. */
export interface SkippedRecord extends RecordIds {
  reason: SkipReason;
  /** The problem, in words an operator can act on. */
  detail: string;
}

/** The new-mail events of one Lambda event, and the records it skipped. */
export interface ParsedMailEvents {
  events: NewMailEvent[];
  skipped: SkippedRecord[];
}

/** Reasons that the topic carries by design; the others point at a misconfiguration. */
const EXPECTED_REASONS: ReadonlySet<SkipReason> = new Set([
  'ses-topic-validation',
  'ses-not-received',
]);

/** Returns a result with one skipped record and no events. */
export function skipOnly(skipped: SkippedRecord): ParsedMailEvents {
  return { events: [], skipped: [skipped] };
}

/** Concatenates the events and skipped records of several results, in order. */
export function mergeResults(results: readonly ParsedMailEvents[]): ParsedMailEvents {
  return {
    events: results.flatMap((result) => result.events),
    skipped: results.flatMap((result) => result.skipped),
  };
}

/**
 * Logs one line per skipped record with its reason and ids: at info level for messages
 * the topic carries by design (validation text, bounces, complaints), at warn otherwise.
 */
export function logSkippedRecords(
  skipped: readonly SkippedRecord[],
  logger: Pick<Logger, 'info' | 'warn'>,
): void {
  for (const record of skipped) {
    const fields = { ...record };
    if (EXPECTED_REASONS.has(record.reason)) {
      logger.info('mail event skipped', fields);
    } else {
      logger.warn('mail event skipped', fields);
    }
  }
}

/** Returns true for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the value when it is a non-empty string. */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
