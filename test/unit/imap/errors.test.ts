import { describe, expect, it } from 'vitest';
import {
  describeValue,
  parseXapplepushservice,
  XAPS_RULE_STATUS,
  XapsCommandError,
} from '../../../shared/imap/index.js';
import { captureXapsError } from './commands.js';

const TOKEN = '2918390d5b1c4e7f8a9b0c1d2e3f40516273849506172839a0b1c2d3e4f50617';

function registration(subtopic: string): string {
  return (
    `aps-version 2 aps-account-id A aps-device-token ${TOKEN} ` +
    `aps-subtopic ${subtopic} mailboxes (INBOX)`
  );
}

describe('XapsCommandError responses', () => {
  it('answers semantic errors with NO', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(registration('com.example.app')),
    );
    expect(error.toImapResponse('A5')).toBe(
      "A5 NO aps-subtopic 'com.example.app' is not supported: " +
        'only com.apple.mobilemail registers for mail push\r\n',
    );
  });

  it('answers syntax errors with BAD', () => {
    const error = captureXapsError(() => parseXapplepushservice('aps-version "2'));
    expect(error.toImapResponse('A5')).toMatch(
      /^A5 BAD XAPPLEPUSHSERVICE arguments are malformed/,
    );
  });

  it('answers NIL values with BAD', () => {
    const error = captureXapsError(() => parseXapplepushservice(registration('NIL')));
    expect(error.toImapResponse('A5')).toBe(
      'A5 BAD aps-subtopic is NIL: send a value for aps-subtopic\r\n',
    );
  });

  it('keeps a CRLF value on one line', () => {
    const error = captureXapsError(() =>
      parseXapplepushservice(registration('{4}\r\na\r\nb')),
    );
    const response = error.toImapResponse('A5');
    expect(response.slice(0, -2)).not.toMatch(/[\r\n]/);
    expect(response).toContain("'a\\u{d}\\u{a}b'");
  });

  it('rejects an invalid tag', () => {
    const error = new XapsCommandError('syntax', undefined, 'x');
    expect(() => error.toImapResponse('A5\r\n* BYE')).toThrow(RangeError);
  });

  it('exposes rule and argument', () => {
    const error = captureXapsError(() => parseXapplepushservice(registration('other')));
    expect(error.rule).toBe('bad-subtopic');
    expect(error.argument).toBe('aps-subtopic');
  });

  it('is an Error named XapsCommandError', () => {
    const error = new XapsCommandError('bad-version', 'aps-version', 'x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('XapsCommandError');
  });

  it('maps shape rules to BAD', () => {
    const bad = Object.entries(XAPS_RULE_STATUS)
      .filter(([, status]) => status === 'BAD')
      .map(([rule]) => rule);
    expect(bad.sort()).toEqual([
      'bad-mailbox-list',
      'duplicate-key',
      'missing-key',
      'missing-value',
      'nil-value',
      'syntax',
    ]);
  });
});

describe('describeValue', () => {
  it('quotes a plain value', () => {
    expect(describeValue('com.example.app')).toBe("'com.example.app'");
  });

  it('escapes quotes and backslashes', () => {
    expect(describeValue("a'b\\c")).toBe("'a\\'b\\\\c'");
  });

  it('escapes non-ASCII characters', () => {
    expect(describeValue('ü😀')).toBe("'\\u{fc}\\u{1f600}'");
  });

  it('truncates long values', () => {
    expect(describeValue('x'.repeat(100))).toBe(
      `'${'x'.repeat(64)}'... (100 characters)`,
    );
  });
});
