/** Options for writing IMAP strings to one client. */
export interface ImapStringOptions {
  /**
   * True when the client enabled UTF8=ACCEPT (RFC 6855): quoted strings may then carry
   * UTF-8. Otherwise a value with a non-ASCII character goes out as a literal.
   */
  utf8Accept?: boolean;
}

const SPACE = 0x20;
const TILDE = 0x7e;

/**
 * Tells whether a byte may appear in an atom that this parser reads: printable US-ASCII
 * except SP, `(`, `)`, `{`, `"` and `\`. RFC 3501 also excludes `%`, `*` and (outside
 * astrings) `]`; they are accepted here because they cannot be mistaken for structure.
 */
export function isAtomByte(byte: number): boolean {
  if (byte <= SPACE || byte > TILDE) {
    return false;
  }
  return !ATOM_SPECIALS.has(byte);
}

const ATOM_SPECIALS = new Set([0x28, 0x29, 0x7b, 0x22, 0x5c]);

/** Bytes RFC 3501 excludes from a tag besides those excluded from every atom. */
const TAG_SPECIALS = new Set([0x25, 0x2a, 0x2b]);

/**
 * Throws a RangeError unless `tag` is a valid IMAP tag (RFC 3501: one or more
 * ASTRING-CHAR except `+`), because a response line with a bad tag breaks the stream.
 */
export function assertTag(tag: string): void {
  let valid = tag.length > 0;
  for (let i = 0; valid && i < tag.length; i++) {
    const code = tag.charCodeAt(i);
    valid = isAtomByte(code) && !TAG_SPECIALS.has(code);
  }
  if (!valid) {
    throw new RangeError(
      `IMAP tag ${JSON.stringify(tag)} is invalid: use printable US-ASCII ` +
        'without spaces, parentheses, braces, quotes, backslash, %, * or +',
    );
  }
}

/**
 * Formats `value` as an IMAP string for a server response: a quoted string with `"`
 * and `\` escaped, or a literal `{N}` CRLF value when it contains CR or LF, or a
 * non-ASCII character while UTF8=ACCEPT is off. N counts the UTF-8 bytes, so write
 * the result as UTF-8. Throws a RangeError for NUL, which no IMAP string can carry.
 */
export function formatString(value: string, options: ImapStringOptions = {}): string {
  if (value.includes('\0')) {
    throw new RangeError('IMAP strings cannot contain NUL: remove it from the value');
  }
  if (needsLiteral(value, options.utf8Accept === true)) {
    return `{${Buffer.byteLength(value, 'utf8')}}\r\n${value}`;
  }
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function needsLiteral(value: string, utf8Accept: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x0d || code === 0x0a) {
      return true;
    }
    if (code > 0x7f && !utf8Accept) {
      return true;
    }
  }
  return false;
}

/** Lower-cases ASCII letters only, so that e.g. the Kelvin sign never matches 'k'. */
export function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
