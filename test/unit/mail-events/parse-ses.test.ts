import { describe, expect, it } from 'vitest';
import { parseMailEvent } from '../../../shared/mail-events/parse-event.js';
import { createUserMapping } from '../../../shared/users/user-mapping.js';
import { loadFixture, snsEvent } from './fixtures.js';

const users = createUserMapping();
const FIXTURE_MESSAGE_ID = 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1';

describe('SES Received through SNS', () => {
  it('yields one INBOX event', () => {
    const parsed = parseMailEvent(loadFixture('sns-ses-received.json'), users);

    expect(parsed.events).toEqual([
      {
        source: 'ses',
        eventId: FIXTURE_MESSAGE_ID,
        user: 'alice@example.com',
        mailbox: 'INBOX',
      },
    ]);
    expect(parsed.skipped).toEqual([]);
  });

  it('ignores BASE64 encoded content', () => {
    const parsed = parseMailEvent(loadFixture('sns-ses-received-base64.json'), users);

    expect(parsed.events.map((event) => event.eventId)).toEqual([
      'b64c0ntent0e2ic28trm7dfhrc2v0clambda4nbp',
    ]);
    expect(parsed.skipped).toEqual([]);
  });

  it('accepts a null SNS Subject', () => {
    const parsed = parseMailEvent(
      loadFixture('sns-ses-received-subject-null.json'),
      users,
    );

    expect(parsed.events.map((event) => event.user)).toEqual(['alice@example.com']);
  });
});

describe('SES direct Lambda action', () => {
  it('yields the same event', () => {
    const viaSns = parseMailEvent(loadFixture('sns-ses-received.json'), users);
    const direct = parseMailEvent(loadFixture('ses-lambda-action.json'), users);

    expect(direct.events).toEqual(viaSns.events);
    expect(direct.skipped).toEqual([]);
  });
});

describe('SES envelope recipients', () => {
  const fixture = loadFixture('sns-ses-received-recipients.json');

  it('routes on receipt.recipients only', () => {
    const parsed = parseMailEvent(fixture, users);

    // dave@elsewhere.example is in mail.destination and To, but no rule matched him.
    expect(parsed.events.map((event) => event.user)).toEqual([
      'alice@example.com',
      'carol@example.com',
    ]);
  });

  it('folds plus tags and case', () => {
    const parsed = parseMailEvent(fixture, users);
    const alice = parsed.events.filter((event) => event.user === 'alice@example.com');

    expect(alice).toHaveLength(1);
  });

  it('keeps the tag when folding is off', () => {
    const literal = createUserMapping({ foldPlusTag: false });
    const parsed = parseMailEvent(fixture, literal);

    expect(parsed.events.map((event) => event.user)).toEqual([
      'alice+lists@example.com',
      'alice@example.com',
      'carol@example.com',
    ]);
  });

  it('applies aliases to recipients', () => {
    const aliased = createUserMapping({ aliases: { 'carol@example.com': 'caroline' } });
    const parsed = parseMailEvent(fixture, aliased);

    expect(parsed.events.map((event) => event.user)).toContain('caroline');
  });

  it('shares the messageId as eventId', () => {
    const parsed = parseMailEvent(fixture, users);
    const ids = new Set(parsed.events.map((event) => event.eventId));

    expect([...ids]).toEqual(['p8q1d5u9m3bt0a7k2lrc6e4n0ofh1v3s5gw7xy20']);
  });

  it('skips an empty recipient alone', () => {
    const message = receivedMessage(['', 'carol@example.com']);
    const parsed = parseMailEvent(snsEvent(message, 'sns-empty'), users);

    expect(parsed.events.map((event) => event.user)).toEqual(['carol@example.com']);
    expect(parsed.skipped).toMatchObject([
      { reason: 'invalid-recipient', snsMessageId: 'sns-empty', sesMessageId: 'msg-1' },
    ]);
  });

  it('skips a non-string recipient', () => {
    const parsed = parseMailEvent(snsEvent(receivedMessage([42])), users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual(['invalid-recipient']);
  });

  it('skips a notification without recipients', () => {
    const parsed = parseMailEvent(snsEvent(receivedMessage([])), users);

    expect(parsed.events).toEqual([]);
    expect(parsed.skipped).toMatchObject([
      { reason: 'no-recipients', sesMessageId: 'msg-1' },
    ]);
  });

  it('skips a notification without messageId', () => {
    const message = {
      notificationType: 'Received',
      mail: {},
      receipt: { recipients: ['a@b'] },
    };
    const parsed = parseMailEvent(snsEvent(message), users);

    expect(parsed.skipped.map((record) => record.reason)).toEqual([
      'invalid-ses-notification',
    ]);
  });
});

function receivedMessage(recipients: unknown[]): Record<string, unknown> {
  return {
    notificationType: 'Received',
    mail: { messageId: 'msg-1', destination: ['carol@example.com'] },
    receipt: { recipients },
  };
}
