import { assertTag } from './strings.js';

/**
 * The rule an XAPPLEPUSHSERVICE command broke. The server replies BAD when the shape
 * of the command is wrong, and NO when a value the client chose is rejected.
 */
export type XapsRule =
  /** The arguments are not valid IMAP: a bad quote, literal, list or character. */
  | 'syntax'
  /** A required key is absent. */
  | 'missing-key'
  /** A known key is the last token, with no value after it. */
  | 'missing-value'
  /** A required value, or a mailbox in the list, is NIL. */
  | 'nil-value'
  /** A known key appears twice, so the registration would be ambiguous. */
  | 'duplicate-key'
  /** The mailboxes value is not a parenthesised list of names, or is empty. */
  | 'bad-mailbox-list'
  | 'bad-version'
  | 'bad-subtopic'
  | 'bad-device-token'
  | 'bad-account-id'
  /** A mailbox name is empty, malformed modified UTF-7, or contains control characters. */
  | 'bad-mailbox';

/** The IMAP status of the tagged response for each rule. */
export const XAPS_RULE_STATUS: Readonly<Record<XapsRule, 'BAD' | 'NO'>> = {
  syntax: 'BAD',
  'missing-key': 'BAD',
  'missing-value': 'BAD',
  'nil-value': 'BAD',
  'duplicate-key': 'BAD',
  'bad-mailbox-list': 'BAD',
  'bad-version': 'NO',
  'bad-subtopic': 'NO',
  'bad-device-token': 'NO',
  'bad-account-id': 'NO',
  'bad-mailbox': 'NO',
};

/**
 * The only error the XAPPLEPUSHSERVICE tokenizer, parser, validator and modified UTF-7
 * decoder throw on client input. `message` is one line of printable US-ASCII, safe to
 * send to the client and to log.
 */
export class XapsCommandError extends Error {
  override readonly name = 'XapsCommandError';
  readonly rule: XapsRule;
  /** The command key the error is about (e.g. 'aps-device-token'), when there is one. */
  readonly argument: string | undefined;

  constructor(rule: XapsRule, argument: string | undefined, message: string) {
    super(message);
    this.rule = rule;
    this.argument = argument;
  }

  /** IMAP status of the tagged response: BAD for a malformed command, NO otherwise. */
  get status(): 'BAD' | 'NO' {
    return XAPS_RULE_STATUS[this.rule];
  }

  /**
   * Formats the tagged response line for this error, CRLF included, e.g.
   * `A5 NO aps-subtopic 'x' is not supported: ...`. Throws a RangeError when `tag`
   * is not a valid IMAP tag, because the line would then corrupt the stream.
   */
  toImapResponse(tag: string): string {
    assertTag(tag);
    return `${tag} ${this.status} ${this.message}\r\n`;
  }
}

const MAX_SHOWN_CHARS = 64;

/**
 * Quotes a client value for an error message: single quotes, at most 64 characters,
 * and every character outside printable US-ASCII escaped, so the message stays one
 * safe line whatever the client sent.
 */
export function describeValue(value: string): string {
  const chars = Array.from(value);
  const visible = chars.slice(0, MAX_SHOWN_CHARS).map(escapeChar).join('');
  const suffix = chars.length > MAX_SHOWN_CHARS ? `... (${chars.length} characters)` : '';
  return `'${visible}'${suffix}`;
}

function escapeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (char === "'" || char === '\\') {
    return `\\${char}`;
  }
  if (code >= 0x20 && code <= 0x7e) {
    return char;
  }
  return `\\u{${code.toString(16)}}`;
}
