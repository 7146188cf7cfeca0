/** The highest aps-version this server speaks; replies use min(client, this). */
export const MAX_APS_VERSION = 2;
export const MAIL_SUBTOPIC = 'com.apple.mobilemail';

/** The arguments of one XAPPLEPUSHSERVICE command after parsing and validation. */
export interface XapsRegistration {
  apsVersion: number;
  accountId: string;
  /** Lower-case hex. */
  deviceToken: string;
  subtopic: string;
  /** Mailbox names in UTF-8; version 1 registrations get ['INBOX']. */
  mailboxes: string[];
}
