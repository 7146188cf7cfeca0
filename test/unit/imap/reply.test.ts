import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatString,
  formatXapplepushserviceReply,
  MAX_APS_VERSION,
  tokenizeArguments,
} from '../../../shared/imap/index.js';

const TOPIC = 'com.apple.mail.XServer.7f3c2a10-0000-4000-8000-00000000beef';

/** Reads the server lines of the recorded iOS session, without the "S: " prefix. */
function fixtureServerLines(): string[] {
  const transcript = readFileSync(
    new URL('../../fixtures/ios-xapplepushservice.txt', import.meta.url),
    'utf8',
  );
  return transcript
    .split('\n')
    .filter((line) => line.startsWith('S: ') && line.includes('XAPPLEPUSHSERVICE'))
    .map((line) => line.slice(3));
}

function lines(reply: string): string[] {
  expect(reply.endsWith('\r\n')).toBe(true);
  return reply.slice(0, -2).split('\r\n');
}

describe('formatXapplepushserviceReply', () => {
  it('matches the recorded iOS reply', () => {
    const reply = formatXapplepushserviceReply('A5', { clientVersion: 2, topic: TOPIC });
    expect(lines(reply)).toEqual(fixtureServerLines().slice(-2));
  });

  it('ends every line with CRLF', () => {
    const reply = formatXapplepushserviceReply('A5', {
      clientVersion: 2,
      topic: TOPIC,
      mailboxes: ['INBOX'],
    });
    expect(reply.split('\r\n')).toHaveLength(4);
    expect(reply.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('replies version 1 to version 1', () => {
    const reply = formatXapplepushserviceReply('A5', { clientVersion: 1, topic: TOPIC });
    expect(reply).toContain('aps-version "1"');
  });

  it('caps the version at the maximum', () => {
    const reply = formatXapplepushserviceReply('A5', { clientVersion: 7, topic: TOPIC });
    expect(reply).toContain(`aps-version "${MAX_APS_VERSION}"`);
  });

  it('puts mailbox lines first', () => {
    const reply = formatXapplepushserviceReply('A5', {
      clientVersion: 2,
      topic: TOPIC,
      mailboxes: ['INBOX', 'Sent Messages'],
    });
    expect(lines(reply).slice(0, 2)).toEqual([
      '* XAPPLEPUSHSERVICE "mailbox" "INBOX"',
      '* XAPPLEPUSHSERVICE "mailbox" "Sent Messages"',
    ]);
  });

  it('encodes mailbox names to modified UTF-7', () => {
    const reply = formatXapplepushserviceReply('A5', {
      clientVersion: 2,
      topic: TOPIC,
      mailboxes: ['Entwürfe & Co'],
    });
    expect(reply).toContain('"mailbox" "Entw&APw-rfe &- Co"\r\n');
  });

  it('escapes quotes and backslashes', () => {
    const reply = formatXapplepushserviceReply('A5', {
      clientVersion: 2,
      topic: TOPIC,
      mailboxes: ['a"b\\c'],
    });
    expect(reply).toContain('"mailbox" "a\\"b\\\\c"\r\n');
  });

  it('keeps UTF-8 under UTF8=ACCEPT', () => {
    const reply = formatXapplepushserviceReply('A5', {
      clientVersion: 2,
      topic: TOPIC,
      mailboxes: ['Entwürfe'],
      utf8Accept: true,
    });
    expect(reply).toContain('"mailbox" "Entwürfe"\r\n');
  });

  it('sends a CRLF name as literal', () => {
    const reply = formatXapplepushserviceReply('A5', {
      clientVersion: 2,
      topic: TOPIC,
      mailboxes: ['a\r\nü'],
      utf8Accept: true,
    });
    expect(reply).toContain('"mailbox" {5}\r\na\r\nü\r\n');
  });

  it('sends an 8-bit topic as literal', () => {
    const reply = formatXapplepushserviceReply('A5', {
      clientVersion: 2,
      topic: 'com.apple.mail.ü',
    });
    expect(reply).toContain('aps-topic {17}\r\ncom.apple.mail.ü\r\n');
  });

  it('rejects an invalid tag', () => {
    expect(() =>
      formatXapplepushserviceReply('A 5', { clientVersion: 2, topic: TOPIC }),
    ).toThrow(RangeError);
  });

  it('rejects an empty tag', () => {
    expect(() =>
      formatXapplepushserviceReply('', { clientVersion: 2, topic: TOPIC }),
    ).toThrow(RangeError);
  });

  it('rejects client version zero', () => {
    expect(() =>
      formatXapplepushserviceReply('A5', { clientVersion: 0, topic: TOPIC }),
    ).toThrow(RangeError);
  });

  it('rejects an empty topic', () => {
    expect(() =>
      formatXapplepushserviceReply('A5', { clientVersion: 2, topic: '' }),
    ).toThrow(RangeError);
  });
});

describe('formatString', () => {
  it('quotes plain text', () => {
    expect(formatString('Sent Messages')).toBe('"Sent Messages"');
  });

  it('rejects NUL', () => {
    expect(() => formatString('a\0b')).toThrow(RangeError);
  });

  it('round-trips through the tokenizer', () => {
    const valueArb = fc
      .string({ unit: 'binary', maxLength: 30 })
      .filter((v) => !v.includes('\0'));
    fc.assert(
      fc.property(valueArb, fc.boolean(), (value, utf8Accept) => {
        const tokens = tokenizeArguments(formatString(value, { utf8Accept }));
        expect(tokens).toHaveLength(1);
        expect(tokens[0]).toMatchObject({ kind: 'string', value });
      }),
      { numRuns: 500 },
    );
  });
});
