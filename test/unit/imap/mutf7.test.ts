import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeModifiedUtf7,
  encodeModifiedUtf7,
  XapsCommandError,
} from '../../../shared/imap/index.js';
import { captureXapsError } from './commands.js';

// Pairs of (UTF-8 name, modified UTF-7 name). The first comes from RFC 3501 section 5.1.3.
const VECTORS: Array<[string, string]> = [
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  ['INBOX', 'INBOX'],
  ['&', '&-'],
  ['a&b&&c', 'a&-b&-&-c'],
  ['Entwürfe', 'Entw&APw-rfe'],
  ['ää', '&AOQA5A-'],
  ['😀', '&2D3eAA-'],
  ['Sent Messages', 'Sent Messages'],
  ['', ''],
];

describe('modified UTF-7 vectors', () => {
  for (const [name, encoded] of VECTORS) {
    it(`encodes ${JSON.stringify(name)}`, () => {
      expect(encodeModifiedUtf7(name)).toBe(encoded);
    });

    it(`decodes ${JSON.stringify(encoded)}`, () => {
      expect(decodeModifiedUtf7(encoded)).toBe(name);
    });
  }
});

describe('decodeModifiedUtf7 rejects malformed names', () => {
  const cases: Array<[string, string]> = [
    ['raw non-ASCII character', 'Entwürfe'],
    ['raw control character', 'a\tb'],
    ['raw DEL', 'a\u007fb'],
    ['unterminated shift', 'Entw&APw'],
    ['lone ampersand at end', 'a&'],
    ['slash in base64', '&AO/-'],
    ['non-zero padding bits', '&AOR-'],
    ['partial code unit', '&AOQA-'],
    ['six bits only', '&A-'],
    ['encoded printable ASCII', '&AGE-'],
    ['encoded ampersand', '&ACY-'],
    ['unpaired high surrogate', '&2D0-'],
    ['unpaired low surrogate', '&3gA-'],
    ['reversed surrogate pair', '&3gDYPQ-'],
    ['adjacent base64 runs', '&AOQ-&AOQ-'],
  ];

  for (const [name, encoded] of cases) {
    it(`rejects ${name}`, () => {
      const error = captureXapsError(() => decodeModifiedUtf7(encoded));
      expect(error.rule).toBe('bad-mailbox');
      expect(error.argument).toBe('mailboxes');
    });
  }

  it('allows ampersand after a run', () => {
    expect(decodeModifiedUtf7('&AOQ-&-')).toBe('ä&');
  });

  it('keeps error message printable ASCII', () => {
    const message = captureXapsError(() => decodeModifiedUtf7('ü\r\n')).message;
    expect(message).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('encodeModifiedUtf7 input checks', () => {
  it('rejects an unpaired surrogate', () => {
    expect(() => encodeModifiedUtf7('a\ud800b')).toThrow(RangeError);
  });
});

describe('modified UTF-7 properties', () => {
  it('round-trips any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        expect(decodeModifiedUtf7(encodeModifiedUtf7(name))).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('encodes to printable US-ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (name) => {
        expect(encodeModifiedUtf7(name)).toMatch(/^[\x20-\x7e]*$/);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts only canonical encodings', () => {
    const alphabet = fc.constantFrom(...'&-AaOQ2D3eg,+/ b~'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 16 }), (encoded) => {
        let decoded: string;
        try {
          decoded = decodeModifiedUtf7(encoded);
        } catch (error) {
          expect(error).toBeInstanceOf(XapsCommandError);
          expect((error as XapsCommandError).rule).toBe('bad-mailbox');
          return;
        }
        expect(encodeModifiedUtf7(decoded)).toBe(encoded);
      }),
      { numRuns: 1000 },
    );
  });
});
