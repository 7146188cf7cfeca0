import type { Registration } from '../registrations/types.js';

/** Returns true for INBOX in any letter case: IMAP (RFC 3501) makes only that name case-insensitive. */
export function isInbox(mailbox: string): boolean {
  return mailbox.toUpperCase() === 'INBOX';
}

/**
 * Returns true when a registration asked for pushes on this mailbox. INBOX matches
 * in any case, every other name only exactly (both sides UTF-8). An aps-version 1
 * registration carries no mailbox list and means INBOX only.
 */
export function wantsMailbox(
  registration: Pick<Registration, 'apsVersion' | 'mailboxes'>,
  mailbox: string,
): boolean {
  if (registration.apsVersion < 2) {
    return isInbox(mailbox);
  }
  if (isInbox(mailbox)) {
    return registration.mailboxes.some(isInbox);
  }
  return registration.mailboxes.includes(mailbox);
}
