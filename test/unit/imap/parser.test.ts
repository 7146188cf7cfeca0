import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseXapplepushservice } from '../../../shared/imap/index.js';
import { captureXapsError } from './commands.js';

/** Reads the XAPPLEPUSHSERVICE arguments that iOS Mail sent in the recorded session. */
function iosArguments(): string {
  const transcript = readFileSync(
    new URL('../../fixtures/ios-xapplepushservice.txt', import.meta.url),
    'utf8',
  );
  const line = transcript
    .split('\n')
    .find((entry) => entry.includes(' XAPPLEPUSHSERVICE '));
  const match = /^C: \S+ XAPPLEPUSHSERVICE (.*)$/.exec(line ?? '');
  if (match?.[1] === undefined) {
    throw new Error('fixture has no client XAPPLEPUSHSERVICE line');
  }
  return match[1];
}

const TOKEN = '2918390D5B1C4E7F8A9B0C1D2E3F40516273849506172839A0B1C2D3E4F50617';
const ACCOUNT = '0715A26B-0000-4000-8000-793000CA982E';

/** Builds arguments from pairs, so each test changes only what it is about. */
function command(overrides: Record<string, string | undefined> = {}, extra = ''): string {
  const pairs: Record<string, string | undefined> = {
    'aps-version': '2',
    'aps-account-id': ACCOUNT,
    'aps-device-token': TOKEN,
    'aps-subtopic': 'com.apple.mobilemail',
    mailboxes: '(INBOX "Sent Messages")',
    ...overrides,
  };
  const text = Object.entries(pairs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key} ${value}`)
    .join(' ');
  return extra === '' ? text : `${text} ${extra}`;
}

describe('parseXapplepushservice with the iOS fixture', () => {
  const registration = parseXapplepushservice(iosArguments());

  it('reads aps-version as a number', () => {
    expect(registration.apsVersion).toBe(2);
  });

  it('keeps aps-account-id as sent', () => {
    expect(registration.accountId).toBe(ACCOUNT);
  });

  it('lower-cases aps-device-token', () => {
    expect(registration.deviceToken).toBe(TOKEN.toLowerCase());
  });

  it('reads aps-subtopic', () => {
    expect(registration.subtopic).toBe('com.apple.mobilemail');
  });

  it('reads atom and quoted mailboxes', () => {
    expect(registration.mailboxes).toEqual(['INBOX', 'Sent Messages']);
  });

  it('accepts the same bytes as Buffer', () => {
    expect(parseXapplepushservice(Buffer.from(iosArguments()))).toEqual(registration);
  });

  it('accepts a trailing CRLF', () => {
    expect(parseXapplepushservice(`${iosArguments()}\r\n`)).toEqual(registration);
  });
});

describe('parseXapplepushservice key handling', () => {
  const expected = parseXapplepushservice(command());

  it('matches keys case-insensitively', () => {
    const upper = command().replace(/aps-[a-z-]+|mailboxes/g, (key) => key.toUpperCase());
    expect(parseXapplepushservice(upper)).toEqual(expected);
  });

  it('accepts pairs in any order', () => {
    const reordered =
      `mailboxes (INBOX "Sent Messages") aps-subtopic com.apple.mobilemail ` +
      `aps-device-token ${TOKEN} aps-account-id ${ACCOUNT} aps-version 2`;
    expect(parseXapplepushservice(reordered)).toEqual(expected);
  });

  it('accepts quoted and literal keys', () => {
    const text = command()
      .replace('aps-version', '"aps-version"')
      .replace('mailboxes', '{9}\r\nmailboxes');
    expect(parseXapplepushservice(text)).toEqual(expected);
  });

  it('skips trailing sender pair', () => {
    const text = command({}, 'sender "alice@example.com"');
    expect(parseXapplepushservice(text)).toEqual(expected);
  });

  it('skips unknown pairs with any value', () => {
    const text = command(
      {},
      'x-one NIL x-two (a (b "c")) x-three {3+}\r\nabc x-dangling',
    );
    expect(parseXapplepushservice(text)).toEqual(expected);
  });

  it('skips repeated unknown keys', () => {
    const text = command({}, 'sender a sender b');
    expect(parseXapplepushservice(text)).toEqual(expected);
  });

  it('ignores Kelvin sign in key', () => {
    const text = command(
      { 'aps-device-token': undefined },
      `"aps-device-to\u212Aen" ${TOKEN}`,
    );
    expect(captureXapsError(() => parseXapplepushservice(text)).rule).toBe('missing-key');
  });

  it('rejects a duplicated known key', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({}, 'aps-version 2')),
    );
    expect(error.rule).toBe('duplicate-key');
    expect(error.argument).toBe('aps-version');
  });

  it('rejects duplicate keys differing in case', () => {
    const text = command({}, `APS-DEVICE-TOKEN ${TOKEN}`);
    expect(captureXapsError(() => parseXapplepushservice(text)).rule).toBe(
      'duplicate-key',
    );
  });

  it('rejects a known key without value', () => {
    const text = command({ 'aps-subtopic': undefined }, 'aps-subtopic');
    const error = captureXapsError(() => parseXapplepushservice(text));
    expect(error.rule).toBe('missing-value');
    expect(error.argument).toBe('aps-subtopic');
  });

  it('rejects NIL in key position', () => {
    const text = `NIL x ${command()}`;
    expect(captureXapsError(() => parseXapplepushservice(text)).rule).toBe('syntax');
  });

  it('rejects a list in key position', () => {
    const text = `(a) x ${command()}`;
    expect(captureXapsError(() => parseXapplepushservice(text)).rule).toBe('syntax');
  });

  it('rejects a list as scalar value', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ 'aps-account-id': `(${ACCOUNT})` })),
    );
    expect(error.rule).toBe('syntax');
    expect(error.argument).toBe('aps-account-id');
  });
});

describe('parseXapplepushservice required keys', () => {
  const required = ['aps-version', 'aps-account-id', 'aps-device-token', 'aps-subtopic'];

  for (const key of required) {
    it(`rejects missing ${key}`, () => {
      const error = captureXapsError(() =>
        parseXapplepushservice(command({ [key]: undefined })),
      );
      expect(error.rule).toBe('missing-key');
      expect(error.argument).toBe(key);
    });

    it(`rejects NIL ${key}`, () => {
      const error = captureXapsError(() =>
        parseXapplepushservice(command({ [key]: 'NIL' })),
      );
      expect(error.rule).toBe('nil-value');
      expect(error.argument).toBe(key);
    });
  }

  it('reads lower-case nil as NIL', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ 'aps-subtopic': 'nil' })),
    );
    expect(error.rule).toBe('nil-value');
  });

  it('treats quoted "NIL" as string', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(command({ 'aps-subtopic': '"NIL"' })),
    );
    expect(error.rule).toBe('bad-subtopic');
  });
});
