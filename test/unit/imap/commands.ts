import fc from 'fast-check';
import { XapsCommandError } from '../../../shared/imap/errors.js';
import { encodeModifiedUtf7 } from '../../../shared/imap/mutf7.js';
import type { XapsRegistration } from '../../../shared/imap/types.js';

// Generators of XAPPLEPUSHSERVICE commands for the property tests. The serializer below
// is written from RFC 3501's grammar on its own, so it does not share code with the parser.

export type Quoting = 'atom' | 'quoted' | 'literal' | 'literal+';

const KNOWN_KEYS = [
  'aps-version',
  'aps-account-id',
  'aps-device-token',
  'aps-subtopic',
  'mailboxes',
];

/** Tells whether RFC 3501 lets `value` be sent as an atom (astring form, not NIL). */
export function canBeAtom(value: string): boolean {
  return /^[!#$&'+-[\]-z|}~]+$/.test(value) && value.toUpperCase() !== 'NIL';
}

/** Writes `value` in the requested form, or the nearest form the grammar allows. */
export function writeAstring(value: string, quoting: Quoting): string {
  if (quoting === 'atom' && canBeAtom(value)) {
    return value;
  }
  if ((quoting === 'atom' || quoting === 'quoted') && !/[\r\n]/.test(value)) {
    return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  }
  const plus = quoting === 'literal+' ? '+' : '';
  return `{${Buffer.byteLength(value, 'utf8')}${plus}}\r\n${value}`;
}

const quotingArb = fc.constantFrom<Quoting>('atom', 'quoted', 'literal', 'literal+');

/** Any form of one value: atom where allowed, quoted or literal. */
export function astringArb(value: string): fc.Arbitrary<string> {
  return quotingArb.map((quoting) => writeAstring(value, quoting));
}

/** A value of an unknown pair: any string, NIL, or a nested list of those. */
const unknownValueArb: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 12 }).filter(noNul).chain(astringArb),
    fc.constantFrom('NIL', 'nil'),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `(${items.join(' ')})`),
  ),
})).value;

const unknownKeyArb = fc
  .oneof(
    fc.constantFrom('sender', 'SENDER', 'x-apple-extra'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
  )
  .filter(
    (key) => noNul(key) && !KNOWN_KEYS.includes(key.toLowerCase()) && !/^nil$/i.test(key),
  );

/** One key/value pair as it appears on the wire. */
export interface WirePair {
  /** Lower-case key, or 'unknown' for a pair the parser must skip. */
  key: string;
  keyWire: string;
  valueWire: string;
}

export interface GeneratedCommand {
  expected: XapsRegistration;
  pairs: WirePair[];
  utf8Accept: boolean;
  trailingCrlf: boolean;
}

/** Joins pairs into the argument text after `TAG XAPPLEPUSHSERVICE `. */
export function joinPairs(pairs: readonly WirePair[], trailingCrlf = false): string {
  const text = pairs.map((pair) => `${pair.keyWire} ${pair.valueWire}`).join(' ');
  return trailingCrlf ? `${text}\r\n` : text;
}

export function commandText(command: GeneratedCommand): string {
  return joinPairs(command.pairs, command.trailingCrlf);
}

function noNul(value: string): boolean {
  return !value.includes('\0');
}

function hasNoControls(value: string): boolean {
  return !/[\p{Cc}\p{Cs}]/u.test(value);
}

export function normaliseMailbox(name: string): string {
  return /^inbox$/i.test(name) ? 'INBOX' : name;
}

const accountIdArb = fc
  .oneof(
    fc.uuid().map((uuid) => uuid.toUpperCase()),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  )
  .filter((id) => hasNoControls(id) && id.trim() !== '' && id.length <= 256);

const deviceTokenArb = fc
  .integer({ min: 32, max: 100 })
  .chain((length) => fc.uint8Array({ minLength: length, maxLength: length }))
  .map((bytes) => Buffer.from(bytes).toString('hex'));

const mailboxNameArb = fc
  .oneof(
    fc.constantFrom(
      'INBOX',
      'inbox',
      'Sent Messages',
      'Entwürfe',
      'a&b',
      'Notes',
      'x"y\\z',
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
  )
  .filter(hasNoControls);

const registrationArb = fc.record({
  apsVersion: fc.integer({ min: 1, max: 4 }),
  accountId: accountIdArb,
  deviceToken: deviceTokenArb,
  subtopic: fc.constant('com.apple.mobilemail'),
  mailboxes: fc.uniqueArray(mailboxNameArb, {
    minLength: 1,
    maxLength: 5,
    selector: normaliseMailbox,
  }),
});

function keyArb(key: string): fc.Arbitrary<string> {
  return fc.mixedCase(fc.constant(key)).chain(astringArb);
}

function pairArb(key: string, valueWire: fc.Arbitrary<string>): fc.Arbitrary<WirePair> {
  return fc.record({ key: fc.constant(key), keyWire: keyArb(key), valueWire });
}

function mailboxesWireArb(names: readonly string[], utf8Accept: boolean) {
  const wireNames = names.map((name) => (utf8Accept ? name : encodeModifiedUtf7(name)));
  return fc.tuple(...wireNames.map(astringArb)).map((items) => `(${items.join(' ')})`);
}

/** A valid command with random quoting, key case, pair order and unknown pairs. */
export const commandArb: fc.Arbitrary<GeneratedCommand> = fc
  .record({
    registration: registrationArb,
    utf8Accept: fc.boolean(),
    trailingCrlf: fc.boolean(),
    sendMailboxesForVersion1: fc.boolean(),
    leadingZeros: fc.nat(2),
  })
  .chain(
    ({
      registration,
      utf8Accept,
      trailingCrlf,
      sendMailboxesForVersion1,
      leadingZeros,
    }) => {
      const version = registration.apsVersion;
      const sendMailboxes = version > 1 || sendMailboxesForVersion1;
      const pairArbs = [
        pairArb('aps-version', astringArb(`${'0'.repeat(leadingZeros)}${version}`)),
        pairArb('aps-account-id', astringArb(registration.accountId)),
        pairArb(
          'aps-device-token',
          fc.mixedCase(fc.constant(registration.deviceToken)).chain(astringArb),
        ),
        pairArb('aps-subtopic', astringArb(registration.subtopic)),
        ...(sendMailboxes
          ? [pairArb('mailboxes', mailboxesWireArb(registration.mailboxes, utf8Accept))]
          : []),
      ];
      const unknownPairs = fc.array(
        fc.record({
          key: fc.constant('unknown'),
          keyWire: unknownKeyArb.chain(astringArb),
          valueWire: unknownValueArb,
        }),
        { maxLength: 3 },
      );
      const shuffled = fc
        .tuple(fc.tuple(...pairArbs), unknownPairs)
        .chain(([known, unknown]) => {
          const all = [...known, ...unknown];
          return fc.shuffledSubarray(all, {
            minLength: all.length,
            maxLength: all.length,
          });
        });
      const expected: XapsRegistration = {
        ...registration,
        mailboxes:
          version === 1 ? ['INBOX'] : registration.mailboxes.map(normaliseMailbox),
      };
      return shuffled.map((pairs) => ({ expected, pairs, utf8Accept, trailingCrlf }));
    },
  );

/** Runs `action` and returns the XapsCommandError it throws; fails on anything else. */
export function captureXapsError(action: () => unknown): XapsCommandError {
  try {
    action();
  } catch (error) {
    if (error instanceof XapsCommandError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an XapsCommandError, but nothing was thrown');
}
