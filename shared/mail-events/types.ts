/**
 * The unit of work of the push function, whatever the source: one new message for one user
 * in one mailbox. `eventId` is the de-duplication key: SES's mail.messageId, or the
 * shim's own event id, so a redelivered event never pushes twice to a device.
 */
export interface NewMailEvent {
  source: 'ses' | 'shim';
  eventId: string;
  /** Canonical username (after the user mapping). */
  user: string;
  /** UTF-8 mailbox name; SES mail always lands in INBOX. */
  mailbox: string;
}

/**
 * The message the shim publishes on the SNS topic for a Dovecot /notify event
 * (SNS Message, JSON). `type` distinguishes it from SES notifications on the same topic.
 */
export interface ShimMailboxEvent {
  type: 'xaps.mailbox-event';
  formatVersion: 1;
  eventId: string;
  user: string;
  mailbox: string;
  events: string[];
  /** ISO 8601 time the shim received the event. */
  receivedAt: string;
}
