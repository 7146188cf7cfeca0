import { describe, expect, it } from 'vitest';
import { parseXapplepushservice } from '../../../shared/imap/index.js';
import { captureXapsError } from './commands.js';

const TOKEN = '2918390d5b1c4e7f8a9b0c1d2e3f40516273849506172839a0b1c2d3e4f50617';
const ACCOUNT = '0715A26B-0000-4000-8000-793000CA982E';

function command(overrides: Record<string, string | undefined> = {}): string {
  const pairs: Record<string, string | undefined> = {
    'aps-version': '2',
    'aps-account-id': ACCOUNT,
    'aps-device-token': TOKEN,
    'aps-subtopic': 'com.apple.mobilemail',
    mailboxes: '(INBOX)',
    ...overrides,
  };
  return Object.entries(pairs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key} ${value}`)
    .join(' ');
}

function ruleOf(text: string, utf8Accept = false): string {
  return captureXapsError(() => parseXapplepushservice(text, { utf8Accept })).rule;
}

describe('aps-version rules', () => {
  it('version 1 needs no mailboxes', () => {
    const registration = parseXapplepushservice(
      command({ 'aps-version': '1', mailboxes: undefined }),
    );
    expect(registration.mailboxes).toEqual(['INBOX']);
  });

  it('version 1 registers INBOX only', () => {
    const registration = parseXapplepushservice(
      command({ 'aps-version': '1', mailboxes: '(INBOX Notes)' }),
    );
    expect(registration.mailboxes).toEqual(['INBOX']);
  });

  it('version 2 requires mailboxes', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ mailboxes: undefined })),
    );
    expect(error.rule).toBe('missing-key');
    expect(error.argument).toBe('mailboxes');
  });

  it('accepts versions above the maximum', () => {
    expect(parseXapplepushservice(command({ 'aps-version': '3' })).apsVersion).toBe(3);
  });

  it('accepts a quoted version', () => {
    expect(parseXapplepushservice(command({ 'aps-version': '"2"' })).apsVersion).toBe(2);
  });

  it('rejects version zero', () => {
    expect(ruleOf(command({ 'aps-version': '0' }))).toBe('bad-version');
  });

  it('rejects a negative version', () => {
    expect(ruleOf(command({ 'aps-version': '-1' }))).toBe('bad-version');
  });

  it('rejects a non-integer version', () => {
    expect(ruleOf(command({ 'aps-version': '2.0' }))).toBe('bad-version');
  });

  it('rejects a ten-digit version', () => {
    expect(ruleOf(command({ 'aps-version': '1234567890' }))).toBe('bad-version');
  });
});

describe('aps-subtopic rules', () => {
  it('rejects another app subtopic', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ 'aps-subtopic': 'com.example.app' })),
    );
    expect(error.rule).toBe('bad-subtopic');
    expect(error.status).toBe('NO');
  });

  it('compares subtopic case-sensitively', () => {
    expect(ruleOf(command({ 'aps-subtopic': 'COM.APPLE.MOBILEMAIL' }))).toBe(
      'bad-subtopic',
    );
  });
});

describe('aps-device-token rules', () => {
  it('lower-cases an upper-case token', () => {
    const registration = parseXapplepushservice(
      command({ 'aps-device-token': TOKEN.toUpperCase() }),
    );
    expect(registration.deviceToken).toBe(TOKEN);
  });

  it('accepts 64 hex digits', () => {
    const token = 'a'.repeat(64);
    expect(
      parseXapplepushservice(command({ 'aps-device-token': token })).deviceToken,
    ).toBe(token);
  });

  it('accepts 200 hex digits', () => {
    const token = 'b'.repeat(200);
    expect(
      parseXapplepushservice(command({ 'aps-device-token': token })).deviceToken,
    ).toBe(token);
  });

  it('rejects 62 hex digits', () => {
    expect(ruleOf(command({ 'aps-device-token': 'a'.repeat(62) }))).toBe(
      'bad-device-token',
    );
  });

  it('rejects 202 hex digits', () => {
    expect(ruleOf(command({ 'aps-device-token': 'a'.repeat(202) }))).toBe(
      'bad-device-token',
    );
  });

  it('rejects an odd length', () => {
    expect(ruleOf(command({ 'aps-device-token': 'a'.repeat(65) }))).toBe(
      'bad-device-token',
    );
  });

  it('rejects a non-hex digit', () => {
    expect(ruleOf(command({ 'aps-device-token': `${'a'.repeat(63)}g` }))).toBe(
      'bad-device-token',
    );
  });

  it('rejects an empty token', () => {
    expect(ruleOf(command({ 'aps-device-token': '""' }))).toBe('bad-device-token');
  });

  it('shows only a token prefix', () => {
    const token = `${'c'.repeat(66)}x`;
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ 'aps-device-token': token })),
    );
    expect(error.message).toContain("'cccccccc'...");
    expect(error.message).not.toContain('c'.repeat(9));
  });
});

describe('aps-account-id rules', () => {
  it('rejects an empty account id', () => {
    expect(ruleOf(command({ 'aps-account-id': '""' }))).toBe('bad-account-id');
  });

  it('rejects a blank account id', () => {
    expect(ruleOf(command({ 'aps-account-id': '"   "' }))).toBe('bad-account-id');
  });

  it('rejects control characters', () => {
    expect(ruleOf(command({ 'aps-account-id': '{3}\r\na\rb' }))).toBe('bad-account-id');
  });

  it('rejects 257 characters', () => {
    expect(ruleOf(command({ 'aps-account-id': 'a'.repeat(257) }))).toBe('bad-account-id');
  });

  it('accepts a quoted account id', () => {
    const registration = parseXapplepushservice(
      command({ 'aps-account-id': '"a \\"b\\" c"' }),
    );
    expect(registration.accountId).toBe('a "b" c');
  });
});

describe('mailboxes rules', () => {
  it('decodes modified UTF-7 names', () => {
    const registration = parseXapplepushservice(
      command({ mailboxes: '(Entw&APw-rfe "a&-b")' }),
    );
    expect(registration.mailboxes).toEqual(['Entwürfe', 'a&b']);
  });

  it('skips decoding under UTF8=ACCEPT', () => {
    const registration = parseXapplepushservice(
      command({ mailboxes: '("Entwürfe" "a&-b")' }),
      {
        utf8Accept: true,
      },
    );
    expect(registration.mailboxes).toEqual(['Entwürfe', 'a&-b']);
  });

  it('rejects raw UTF-8 without UTF8=ACCEPT', () => {
    expect(ruleOf(command({ mailboxes: '("Entwürfe")' }))).toBe('bad-mailbox');
  });

  it('rejects malformed modified UTF-7', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ mailboxes: '(INBOX Entw&APw)' })),
    );
    expect(error.rule).toBe('bad-mailbox');
    expect(error.argument).toBe('mailboxes');
  });

  it('writes any-case inbox as INBOX', () => {
    const registration = parseXapplepushservice(command({ mailboxes: '(inbox Sent)' }));
    expect(registration.mailboxes).toEqual(['INBOX', 'Sent']);
  });

  it('keeps case of other names', () => {
    const registration = parseXapplepushservice(
      command({ mailboxes: '(INBOX sent Sent)' }),
    );
    expect(registration.mailboxes).toEqual(['INBOX', 'sent', 'Sent']);
  });

  it('drops duplicate names', () => {
    const registration = parseXapplepushservice(
      command({ mailboxes: '(INBOX Inbox Notes Notes)' }),
    );
    expect(registration.mailboxes).toEqual(['INBOX', 'Notes']);
  });

  it('reads names from literals', () => {
    const registration = parseXapplepushservice(
      command({ mailboxes: '(INBOX {13}\r\nSent Messages)' }),
    );
    expect(registration.mailboxes).toEqual(['INBOX', 'Sent Messages']);
  });

  it('rejects mailboxes NIL', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ mailboxes: 'NIL' })),
    );
    expect(error.rule).toBe('nil-value');
    expect(error.argument).toBe('mailboxes');
  });

  it('rejects NIL inside the list', () => {
    expect(ruleOf(command({ mailboxes: '(INBOX NIL)' }))).toBe('nil-value');
  });

  it('rejects an empty list', () => {
    expect(ruleOf(command({ mailboxes: '()' }))).toBe('bad-mailbox-list');
  });

  it('rejects a name without list', () => {
    expect(ruleOf(command({ mailboxes: 'INBOX' }))).toBe('bad-mailbox-list');
  });

  it('rejects a nested list', () => {
    expect(ruleOf(command({ mailboxes: '(INBOX (Notes))' }))).toBe('syntax');
  });

  it('rejects an empty name', () => {
    expect(ruleOf(command({ mailboxes: '(INBOX "")' }))).toBe('bad-mailbox');
  });

  it('rejects an encoded control character', () => {
    expect(ruleOf(command({ mailboxes: '(INBOX a&AA0-b)' }))).toBe('bad-mailbox');
  });

  it('rejects CR under UTF8=ACCEPT', () => {
    expect(ruleOf(command({ mailboxes: '(INBOX {3}\r\na\rb)' }), true)).toBe(
      'bad-mailbox',
    );
  });

  it('checks mailboxes for version 1', () => {
    expect(ruleOf(command({ 'aps-version': '1', mailboxes: 'NIL' }))).toBe('nil-value');
  });
});
