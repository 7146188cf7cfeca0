import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Reads a JSON fixture from test/fixtures as a fresh object. */
export function loadFixture(name: string): unknown {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as unknown;
}

/** Wraps one SNS Message (a string, or an object to serialise) in an SNS Lambda event. */
export function snsEvent(message: unknown, messageId = 'sns-message-1'): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          Subject: null,
          Message: typeof message === 'string' ? message : JSON.stringify(message),
        },
      },
    ],
  };
}

/** Returns a valid shim mailbox event with some fields replaced. */
export function shimMessage(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'xaps.mailbox-event',
    formatVersion: 1,
    eventId: 'event-1',
    user: 'alice@example.com',
    mailbox: 'INBOX',
    events: ['MessageNew'],
    receivedAt: '2026-11-30T09:30:00.000Z',
    ...overrides,
  };
}
