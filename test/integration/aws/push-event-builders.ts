import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Reads a JSON fixture from test/fixtures as a fresh object. */
export function fixtureEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<
    string,
    unknown
  >;
}

interface SnsFixture {
  Records: [{ Sns: { MessageId: string; Message: string } }];
}
interface SesFixture {
  Records: [{ ses: { mail: Record<string, unknown>; receipt: Record<string, unknown> } }];
}

/** Returns a fresh SES-style message id (40 lower-case alphanumerics). */
export function sesMessageId(): string {
  return randomUUID().replace(/-/g, '').padEnd(40, '0');
}

/** The SNS fixture wrapping an SES Received notification, for other recipients and id. */
export function sesReceivedViaSns(messageId: string, recipients: string[]): unknown {
  const event = fixtureEvent('sns-ses-received.json') as unknown as SnsFixture;
  const record = event.Records[0];
  const message = JSON.parse(record.Sns.Message) as {
    mail: Record<string, unknown>;
    receipt: Record<string, unknown>;
  };
  message.mail.messageId = messageId;
  message.mail.destination = recipients;
  message.receipt.recipients = recipients;
  record.Sns.Message = JSON.stringify(message);
  record.Sns.MessageId = randomUUID();
  return event;
}

/** The direct SES Lambda action fixture, for other recipients and id. */
export function sesReceivedDirect(messageId: string, recipients: string[]): unknown {
  const event = fixtureEvent('ses-lambda-action.json') as unknown as SesFixture;
  const { mail, receipt } = event.Records[0].ses;
  mail.messageId = messageId;
  mail.destination = recipients;
  receipt.recipients = recipients;
  return event;
}

/** The SNS fixture wrapping a shim mailbox event, for another user, mailbox and id. */
export function shimEventViaSns(eventId: string, user: string, mailbox: string): unknown {
  const event = fixtureEvent('sns-shim-mailbox-event.json') as unknown as SnsFixture;
  const record = event.Records[0];
  const message = JSON.parse(record.Sns.Message) as Record<string, unknown>;
  Object.assign(message, { eventId, user, mailbox });
  record.Sns.Message = JSON.stringify(message);
  record.Sns.MessageId = randomUUID();
  return event;
}
