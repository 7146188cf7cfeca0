import { XapsCommandError } from './errors.js';
import { isAtomByte } from './strings.js';

/** One IMAP value in the command arguments. */
export type ImapToken =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: string; form: 'quoted' | 'literal' }
  | { kind: 'nil' }
  | { kind: 'list'; items: ImapToken[] };

/** Deepest list nesting accepted; XAPPLEPUSHSERVICE itself uses one level. */
export const MAX_LIST_DEPTH = 16;

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x28;
const CLOSE = 0x29;
const BRACE = 0x7b;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits the arguments of an IMAP command (the bytes after `TAG COMMAND `) into
 * tokens: atoms, quoted strings, literals `{N}` / `{N+}` with their payload, NIL and
 * parenthesised lists.
 *
 * Pass a Buffer with the bytes as read from the wire, literal payloads included
 * (after `{N}` CRLF come N bytes). A string is encoded as UTF-8 first, so literal
 * lengths must count its UTF-8 bytes. One trailing CRLF is allowed. Runs in time
 * linear in the input and throws only XapsCommandError with rule 'syntax'.
 */
export function tokenizeArguments(input: string | Uint8Array): ImapToken[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  return new Tokenizer(bytes).run();
}

class Tokenizer {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  run(): ImapToken[] {
    const root: ImapToken[] = [];
    const stack: ImapToken[][] = [root];

    for (;;) {
      this.skipSpaces();
      const current = stack[stack.length - 1] ?? root;
      const byte = this.peek();

      if (byte === undefined || this.atLineEnd()) {
        if (stack.length > 1) {
          this.fail('a list is not closed: add ")"');
        }
        return root;
      }
      if (byte === CLOSE) {
        if (stack.length === 1) {
          this.fail('")" closes no list');
        }
        stack.pop();
        this.pos++;
        this.expectSeparator();
        continue;
      }
      if (byte === OPEN) {
        if (stack.length > MAX_LIST_DEPTH) {
          this.fail(`lists are nested deeper than ${MAX_LIST_DEPTH} levels`);
        }
        const list: ImapToken = { kind: 'list', items: [] };
        current.push(list);
        stack.push(list.items);
        this.pos++;
        continue;
      }
      current.push(this.readScalar(byte));
      this.expectSeparator();
    }
  }

  private readScalar(byte: number): ImapToken {
    if (byte === QUOTE) {
      return { kind: 'string', value: this.readQuoted(), form: 'quoted' };
    }
    if (byte === BRACE) {
      return { kind: 'string', value: this.readLiteral(), form: 'literal' };
    }
    if (isAtomByte(byte)) {
      const value = this.readAtom();
      return value.toUpperCase() === 'NIL' ? { kind: 'nil' } : { kind: 'atom', value };
    }
    return this.fail(`unexpected ${describeByte(byte)}`);
  }

  private readAtom(): string {
    const start = this.pos;
    while (this.pos < this.bytes.length && isAtomByte(this.bytes[this.pos] ?? 0)) {
      this.pos++;
    }
    return this.decode(this.bytes.subarray(start, this.pos));
  }

  private readQuoted(): string {
    const start = this.pos;
    const content: number[] = [];
    this.pos++;

    for (;;) {
      const byte = this.peek();
      if (byte === undefined || byte === CR || byte === LF) {
        return this.fail(`the quoted string at byte ${start} is not closed: add '"'`);
      }
      this.pos++;
      if (byte === QUOTE) {
        return this.decode(Uint8Array.from(content));
      }
      if (byte === BACKSLASH) {
        const escaped = this.peek();
        if (escaped !== QUOTE && escaped !== BACKSLASH) {
          return this.fail("a backslash in a quoted string must precede '\"' or '\\'");
        }
        this.pos++;
        content.push(escaped);
        continue;
      }
      content.push(byte);
    }
  }

  private readLiteral(): string {
    const header = /^\{([0-9]{1,10})(\+?)\}\r\n/.exec(this.ascii(this.pos, 16));
    if (header === null) {
      return this.fail('a literal must be {N} or {N+} followed by CRLF');
    }
    const length = Number(header[1]);
    const payloadStart = this.pos + header[0].length;
    const remaining = this.bytes.length - payloadStart;
    if (length > remaining) {
      return this.fail(
        `the literal announces ${length} bytes but only ${remaining} follow: ` +
          'pass the whole argument text, literal payloads included',
      );
    }
    this.pos = payloadStart + length;
    return this.decode(this.bytes.subarray(payloadStart, this.pos));
  }

  private decode(bytes: Uint8Array): string {
    if (bytes.includes(0)) {
      this.fail('NUL is not allowed in an IMAP string');
    }
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail('a string is not valid UTF-8');
    }
  }

  private expectSeparator(): void {
    const byte = this.peek();
    if (byte === undefined || byte === SP || byte === CLOSE || this.atLineEnd()) {
      return;
    }
    this.fail(`expected a space, ")" or the end, got ${describeByte(byte)}`);
  }

  private skipSpaces(): void {
    while (this.peek() === SP) {
      this.pos++;
    }
  }

  /** True at a final CRLF (or bare LF) that ends the command line. */
  private atLineEnd(): boolean {
    const rest = this.bytes.length - this.pos;
    const byte = this.peek();
    return (
      (rest === 2 && byte === CR && this.bytes[this.pos + 1] === LF) ||
      (rest === 1 && byte === LF)
    );
  }

  private peek(): number | undefined {
    return this.bytes[this.pos];
  }

  private ascii(start: number, maxLength: number): string {
    const end = Math.min(this.bytes.length, start + maxLength);
    return String.fromCharCode(...this.bytes.subarray(start, end));
  }

  private fail(detail: string): never {
    throw new XapsCommandError(
      'syntax',
      undefined,
      `XAPPLEPUSHSERVICE arguments are malformed at byte ${this.pos}: ${detail}`,
    );
  }
}

function describeByte(byte: number): string {
  if (byte > 0x20 && byte < 0x7f) {
    return `'${String.fromCharCode(byte)}'`;
  }
  return `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
