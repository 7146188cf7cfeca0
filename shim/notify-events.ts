import { ConfigError } from '../shared/config/env.js';

/** Event names Dovecot's push-notification framework sends to the xaps plugin. */
export const DOVECOT_EVENTS = [
  'MessageNew',
  'MessageAppend',
  'MessageExpunge',
  'MessageRead',
  'MessageTrash',
  'FlagsSet',
  'FlagsClear',
  'MailboxCreate',
  'MailboxDelete',
  'MailboxRename',
  'MailboxSubscribe',
  'MailboxUnsubscribe',
] as const;

/** Checks XAPS_NOTIFY_EVENTS names (any case) and returns them spelt as Dovecot sends them. */
export function readNotifyEvents(names: string[]): string[] {
  return names.map((name) => {
    const known = DOVECOT_EVENTS.find(
      (event) => event.toLowerCase() === name.toLowerCase(),
    );
    if (known === undefined) {
      throw new ConfigError(
        'XAPS_NOTIFY_EVENTS',
        `XAPS_NOTIFY_EVENTS contains '${name}', which Dovecot never sends: ` +
          `expected names from ${DOVECOT_EVENTS.join(', ')}`,
      );
    }
    return known;
  });
}
