import { describe, expect, it } from 'vitest';
import { MAX_LIST_DEPTH, tokenizeArguments } from '../../../shared/imap/index.js';
import { captureXapsError } from './commands.js';

function syntaxError(input: string | Uint8Array) {
  return captureXapsError(() => tokenizeArguments(input));
}

describe('tokenizeArguments values', () => {
  it('reads atoms', () => {
    expect(tokenizeArguments('aps-version 2')).toEqual([
      { kind: 'atom', value: 'aps-version' },
      { kind: 'atom', value: '2' },
    ]);
  });

  it('accepts bracket, percent and star in atoms', () => {
    expect(tokenizeArguments('a]b%c*')).toEqual([{ kind: 'atom', value: 'a]b%c*' }]);
  });

  it('unescapes quoted strings', () => {
    expect(tokenizeArguments('"a \\"b\\" \\\\c"')).toEqual([
      { kind: 'string', value: 'a "b" \\c', form: 'quoted' },
    ]);
  });

  it('reads an empty quoted string', () => {
    expect(tokenizeArguments('""')).toEqual([
      { kind: 'string', value: '', form: 'quoted' },
    ]);
  });

  it('reads UTF-8 in quoted strings', () => {
    expect(tokenizeArguments('"Entwürfe"')).toEqual([
      { kind: 'string', value: 'Entwürfe', form: 'quoted' },
    ]);
  });

  it('reads a synchronizing literal', () => {
    expect(tokenizeArguments('{5}\r\na\r\n"b x')).toEqual([
      { kind: 'string', value: 'a\r\n"b', form: 'literal' },
      { kind: 'atom', value: 'x' },
    ]);
  });

  it('reads a non-synchronizing literal', () => {
    expect(tokenizeArguments('{3+}\r\nabc')).toEqual([
      { kind: 'string', value: 'abc', form: 'literal' },
    ]);
  });

  it('reads an empty literal', () => {
    expect(tokenizeArguments('{0}\r\n')).toEqual([
      { kind: 'string', value: '', form: 'literal' },
    ]);
  });

  it('counts literal length in UTF-8 bytes', () => {
    expect(tokenizeArguments('{3}\r\nü!')).toEqual([
      { kind: 'string', value: 'ü!', form: 'literal' },
    ]);
  });

  it('counts literal length in Buffer bytes', () => {
    const input = Buffer.concat([Buffer.from('{2}\r\n'), Buffer.from([0xc3, 0xbc])]);
    expect(tokenizeArguments(input)).toEqual([
      { kind: 'string', value: 'ü', form: 'literal' },
    ]);
  });

  it('keeps a byte order mark', () => {
    expect(tokenizeArguments('"\uFEFFa"')).toEqual([
      { kind: 'string', value: '\uFEFFa', form: 'quoted' },
    ]);
  });

  it('reads NIL in any case', () => {
    expect(tokenizeArguments('NIL nil Nil')).toEqual([
      { kind: 'nil' },
      { kind: 'nil' },
      { kind: 'nil' },
    ]);
  });

  it('reads quoted NIL as string', () => {
    expect(tokenizeArguments('"NIL"')).toEqual([
      { kind: 'string', value: 'NIL', form: 'quoted' },
    ]);
  });

  it('reads nested lists', () => {
    expect(tokenizeArguments('(a ("b" NIL) ())')).toEqual([
      {
        kind: 'list',
        items: [
          { kind: 'atom', value: 'a' },
          {
            kind: 'list',
            items: [{ kind: 'string', value: 'b', form: 'quoted' }, { kind: 'nil' }],
          },
          { kind: 'list', items: [] },
        ],
      },
    ]);
  });

  it('tolerates extra spaces', () => {
    expect(tokenizeArguments(' a  ( b ) ')).toEqual([
      { kind: 'atom', value: 'a' },
      { kind: 'list', items: [{ kind: 'atom', value: 'b' }] },
    ]);
  });

  it('accepts one trailing CRLF', () => {
    expect(tokenizeArguments('a\r\n')).toEqual([{ kind: 'atom', value: 'a' }]);
  });

  it('reads empty input as nothing', () => {
    expect(tokenizeArguments('')).toEqual([]);
  });
});

describe('tokenizeArguments syntax errors', () => {
  const cases: Array<[string, string | Uint8Array]> = [
    ['unterminated quoted string', 'a "bc'],
    ['CR inside quoted string', '"a\rb"'],
    ['bad escape in quoted string', '"a\\nb"'],
    ['literal longer than input', '{10}\r\nabc'],
    ['literal without CRLF', '{3}abc'],
    ['literal with bare LF', '{3}\nabc'],
    ['literal length too long', '{12345678901}\r\n'],
    ['literal inside an atom', 'ab{3}\r\nabc'],
    ['unclosed list', '(a (b)'],
    ['unopened list', 'a)'],
    ['quoted string followed by atom', '"a"b'],
    ['list followed by atom', '(a)b'],
    ['CRLF before the end', 'a\r\nb'],
    ['two trailing CRLFs', 'a\r\n\r\n'],
    ['tab separator', 'a\tb'],
    ['NUL in literal', '{3}\r\na\0b'],
    ['NUL in quoted string', '"a\0b"'],
    ['8-bit byte in atom', Buffer.from([0x61, 0xc3, 0xbc])],
    ['invalid UTF-8 in quoted string', Buffer.from([0x22, 0xff, 0x22])],
    ['invalid UTF-8 in literal', Buffer.from([0x7b, 0x31, 0x7d, 0x0d, 0x0a, 0x80])],
  ];

  for (const [name, input] of cases) {
    it(`rejects ${name}`, () => {
      expect(syntaxError(input).rule).toBe('syntax');
    });
  }

  it('accepts the maximum list depth', () => {
    const input = `${'('.repeat(MAX_LIST_DEPTH)}${')'.repeat(MAX_LIST_DEPTH)}`;
    expect(tokenizeArguments(input)).toHaveLength(1);
  });

  it('rejects one level deeper', () => {
    const depth = MAX_LIST_DEPTH + 1;
    expect(syntaxError(`${'('.repeat(depth)}${')'.repeat(depth)}`).rule).toBe('syntax');
  });

  it('rejects 100000 open parentheses', () => {
    expect(syntaxError('('.repeat(100_000)).rule).toBe('syntax');
  });

  it('names the byte offset', () => {
    expect(syntaxError('abc "d').message).toContain('at byte 6');
  });

  it('has no argument for syntax', () => {
    expect(syntaxError('"').argument).toBeUndefined();
  });
});
