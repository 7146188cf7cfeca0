import { describeValue, XapsCommandError } from './errors.js';

// Modified UTF-7 is the mailbox name encoding of RFC 3501 section 5.1.3. Printable
// US-ASCII except '&' is itself and '&-' is '&'. Any other text is UTF-16 written in
// modified base64 (',' instead of '/', no padding) between '&' and '-'.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const SEXTETS = new Map(Array.from(ALPHABET, (char, index) => [char, index]));

const AMPERSAND = 0x26;
const HYPHEN = 0x2d;

/**
 * Decodes a mailbox name from modified UTF-7 to a JavaScript (UTF-16) string. Only the
 * canonical form that RFC 3501 prescribes is accepted. Throws XapsCommandError
 * ('bad-mailbox', argument 'mailboxes') for a character outside printable US-ASCII, an
 * unterminated or empty shift, a bad base64 character or non-zero padding bits. It
 * also rejects an encoded printable ASCII character, an unpaired surrogate, and two
 * adjacent base64 runs ('-&').
 */
export function decodeModifiedUtf7(encoded: string): string {
  let decoded = '';
  let pos = 0;

  while (pos < encoded.length) {
    const code = encoded.charCodeAt(pos);
    if (code < 0x20 || code > 0x7e) {
      reject(encoded, `character ${describeCode(code)} must be base64-encoded`);
    }
    if (code !== AMPERSAND) {
      decoded += encoded.charAt(pos);
      pos++;
      continue;
    }

    const end = encoded.indexOf('-', pos + 1);
    if (end < 0) {
      reject(encoded, `the '&' at character ${pos} has no closing '-'`);
    }
    if (end === pos + 1) {
      decoded += '&';
      pos = end + 1;
      continue;
    }
    decoded += decodeRun(encoded, encoded.slice(pos + 1, end));
    pos = end + 1;
    if (encoded.charCodeAt(pos) === AMPERSAND && encoded.charCodeAt(pos + 1) !== HYPHEN) {
      reject(encoded, "two base64 runs are adjacent ('-&'): merge them into one");
    }
  }

  return decoded;
}

/** Decodes the modified base64 between '&' and '-' into UTF-16 code units. */
function decodeRun(encoded: string, run: string): string {
  const units: number[] = [];
  let bits = 0;
  let bitCount = 0;

  for (const char of run) {
    const sextet = SEXTETS.get(char);
    if (sextet === undefined) {
      reject(encoded, `${describeValue(char)} is not a modified base64 character`);
    }
    bits = ((bits << 6) | sextet) & 0x3fffff;
    bitCount += 6;
    if (bitCount >= 16) {
      bitCount -= 16;
      units.push((bits >> bitCount) & 0xffff);
    }
  }

  if (bitCount >= 6 || (bits & ((1 << bitCount) - 1)) !== 0) {
    reject(encoded, 'a base64 run ends with a partial character');
  }
  checkUnits(encoded, units);
  return fromCodeUnits(units);
}

/** Builds a string in chunks, because spreading a long array overflows the call stack. */
function fromCodeUnits(units: readonly number[]): string {
  let text = '';
  for (let start = 0; start < units.length; start += 4096) {
    text += String.fromCharCode(...units.slice(start, start + 4096));
  }
  return text;
}

function checkUnits(encoded: string, units: readonly number[]): void {
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] ?? 0;
    if (unit >= 0x20 && unit <= 0x7e) {
      reject(
        encoded,
        `printable character ${describeCode(unit)} must not be base64-encoded`,
      );
    }
    if (isHighSurrogate(unit) && isLowSurrogate(units[i + 1] ?? 0)) {
      i++;
      continue;
    }
    if (isHighSurrogate(unit) || isLowSurrogate(unit)) {
      reject(encoded, `surrogate ${describeCode(unit)} is not part of a pair`);
    }
  }
}

/**
 * Encodes a mailbox name to modified UTF-7. Throws a RangeError when `name` has an
 * unpaired surrogate, which no UTF-8 or modified UTF-7 name can represent.
 */
export function encodeModifiedUtf7(name: string): string {
  let encoded = '';
  let pending: number[] = [];

  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e) {
      encoded += encodeRun(pending);
      pending = [];
      encoded += code === AMPERSAND ? '&-' : name.charAt(i);
      continue;
    }
    if (isHighSurrogate(code) && isLowSurrogate(name.charCodeAt(i + 1))) {
      pending.push(code, name.charCodeAt(i + 1));
      i++;
      continue;
    }
    if (isHighSurrogate(code) || isLowSurrogate(code)) {
      throw new RangeError(
        `mailbox name has an unpaired surrogate ${describeCode(code)} at index ${i}`,
      );
    }
    pending.push(code);
  }

  return encoded + encodeRun(pending);
}

function encodeRun(units: readonly number[]): string {
  if (units.length === 0) {
    return '';
  }
  const bytes = Buffer.alloc(units.length * 2);
  for (const [index, unit] of units.entries()) {
    bytes.writeUInt16BE(unit, index * 2);
  }
  const base64 = bytes.toString('base64').replace(/=+$/, '').replaceAll('/', ',');
  return `&${base64}-`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function describeCode(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function reject(encoded: string, detail: string): never {
  throw new XapsCommandError(
    'bad-mailbox',
    'mailboxes',
    `mailbox name ${describeValue(encoded)} is not valid modified UTF-7: ${detail}`,
  );
}
