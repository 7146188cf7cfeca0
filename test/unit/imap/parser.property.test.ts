import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseXapplepushservice,
  XapsCommandError,
  type XapsRule,
} from '../../../shared/imap/index.js';
import {
  astringArb,
  captureXapsError,
  commandArb,
  commandText,
  type GeneratedCommand,
  joinPairs,
  type WirePair,
} from './commands.js';

const RUNS = { numRuns: 300 };

/** Returns the parse result or the XapsCommandError. Any other throw fails the test. */
function parseOutcome(input: string | Uint8Array, utf8Accept = false): unknown {
  try {
    return parseXapplepushservice(input, { utf8Accept });
  } catch (error) {
    expect(error).toBeInstanceOf(XapsCommandError);
    return error;
  }
}

function withValue(
  command: GeneratedCommand,
  key: string,
  valueWire: string,
): WirePair[] {
  return command.pairs.map((pair) => (pair.key === key ? { ...pair, valueWire } : pair));
}

function ruleOf(command: GeneratedCommand, pairs: readonly WirePair[]): XapsRule {
  const text = joinPairs(pairs, command.trailingCrlf);
  return captureXapsError(() =>
    parseXapplepushservice(text, { utf8Accept: command.utf8Accept }),
  ).rule;
}

describe('parseXapplepushservice round trip', () => {
  it('parses generated commands back', () => {
    fc.assert(
      fc.property(commandArb, fc.boolean(), (command, asBuffer) => {
        const text = commandText(command);
        const input = asBuffer ? Buffer.from(text, 'utf8') : text;
        const parsed = parseXapplepushservice(input, { utf8Accept: command.utf8Accept });
        expect(parsed).toEqual(command.expected);
      }),
      RUNS,
    );
  });
});

describe('parseXapplepushservice on broken input', () => {
  it('throws only XapsCommandError on random text', () => {
    const textArb = fc.string({ unit: 'binary-ascii', maxLength: 200 });
    fc.assert(
      fc.property(textArb, (text) => {
        parseOutcome(text);
      }),
      RUNS,
    );
  });

  it('throws only XapsCommandError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        parseOutcome(bytes);
      }),
      RUNS,
    );
  });

  it('throws only XapsCommandError when truncated', () => {
    fc.assert(
      fc.property(commandArb, fc.nat(), (command, cut) => {
        const bytes = Buffer.from(commandText(command), 'utf8');
        parseOutcome(bytes.subarray(0, cut % (bytes.length + 1)), command.utf8Accept);
      }),
      RUNS,
    );
  });

  it('throws only XapsCommandError when mutated', () => {
    const editArb = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(commandArb, editArb, (command, edits) => {
        const bytes = Buffer.from(commandText(command), 'utf8');
        for (const [position, byte] of edits) {
          bytes[position % bytes.length] = byte;
        }
        parseOutcome(bytes, command.utf8Accept);
      }),
      RUNS,
    );
  });
});

describe('parseXapplepushservice negative rules', () => {
  const hexArb = (min: number, max: number) =>
    fc.integer({ min, max }).chain((length) =>
      fc.string({
        unit: fc.constantFrom(...'0123456789abcdefABCDEF'),
        minLength: length,
        maxLength: length,
      }),
    );
  const badTokenArb = fc.oneof(
    hexArb(0, 31).map((hex) => `${hex}${hex}`),
    hexArb(101, 130).map((hex) => `${hex}${hex}`),
    fc.integer({ min: 32, max: 99 }).chain((half) => hexArb(half * 2 + 1, half * 2 + 1)),
    fc
      .tuple(hexArb(64, 64), fc.constantFrom('g', 'G', ' ', '-', 'ü'))
      .map(([hex, bad]) => `${hex.slice(1)}${bad}`),
  );

  it('reports bad-device-token', () => {
    fc.assert(
      fc.property(commandArb, badTokenArb.chain(astringArb), (command, wire) => {
        expect(ruleOf(command, withValue(command, 'aps-device-token', wire))).toBe(
          'bad-device-token',
        );
      }),
      RUNS,
    );
  });

  it('reports bad-subtopic', () => {
    const subtopicArb = fc
      .string({ maxLength: 30 })
      .filter((s) => s !== 'com.apple.mobilemail');
    fc.assert(
      fc.property(commandArb, subtopicArb.chain(astringArb), (command, wire) => {
        expect(ruleOf(command, withValue(command, 'aps-subtopic', wire))).toBe(
          'bad-subtopic',
        );
      }),
      RUNS,
    );
  });

  it('reports bad-version', () => {
    const versionArb = fc.oneof(
      fc.constantFrom('0', '000', '-2', '2.0', '1e3', 'two', '', '12345678901'),
      fc.string({ maxLength: 6 }).filter((s) => !/^[0-9]+$/.test(s)),
    );
    fc.assert(
      fc.property(commandArb, versionArb.chain(astringArb), (command, wire) => {
        expect(ruleOf(command, withValue(command, 'aps-version', wire))).toBe(
          'bad-version',
        );
      }),
      RUNS,
    );
  });

  it('reports missing-key', () => {
    fc.assert(
      fc.property(commandArb, fc.nat(), (command, choice) => {
        const required = command.pairs.filter(
          (pair) =>
            pair.key !== 'unknown' &&
            (pair.key !== 'mailboxes' || command.expected.apsVersion > 1),
        );
        const dropped = required[choice % required.length]?.key;
        const rest = command.pairs.filter((pair) => pair.key !== dropped);
        expect(ruleOf(command, rest)).toBe('missing-key');
      }),
      RUNS,
    );
  });

  it('reports nil-value', () => {
    fc.assert(
      fc.property(
        commandArb,
        fc.nat(),
        fc.constantFrom('NIL', 'nil', 'Nil'),
        (command, choice, nil) => {
          const known = command.pairs.filter((pair) => pair.key !== 'unknown');
          const key = known[choice % known.length]?.key ?? 'aps-version';
          expect(ruleOf(command, withValue(command, key, nil))).toBe('nil-value');
        },
      ),
      RUNS,
    );
  });

  it('reports duplicate-key', () => {
    fc.assert(
      fc.property(commandArb, fc.nat(), fc.nat(), (command, choice, position) => {
        const known = command.pairs.filter((pair) => pair.key !== 'unknown');
        const copy = known[choice % known.length];
        const pairs = [...command.pairs];
        if (copy !== undefined) {
          pairs.splice(position % (pairs.length + 1), 0, copy);
        }
        expect(ruleOf(command, pairs)).toBe('duplicate-key');
      }),
      RUNS,
    );
  });

  it('reports syntax for an open quote', () => {
    fc.assert(
      fc.property(
        commandArb,
        fc.string({ unit: 'grapheme-ascii', maxLength: 10 }),
        (command, tail) => {
          const text = `${joinPairs(command.pairs)} x "${tail.replaceAll('"', '')}`;
          expect(captureXapsError(() => parseXapplepushservice(text)).rule).toBe(
            'syntax',
          );
        },
      ),
      RUNS,
    );
  });

  it('reports bad-mailbox', () => {
    const badNameArb = fc.constantFrom(
      'Entw&APw',
      '&AGE-',
      '&2D0-',
      'a&',
      '&AOQ-&AOQ-',
      '""',
    );
    fc.assert(
      fc.property(commandArb, badNameArb, (command, badName) => {
        const pairs = command.pairs.filter((pair) => pair.key !== 'mailboxes');
        pairs.push({
          key: 'mailboxes',
          keyWire: 'mailboxes',
          valueWire: `(INBOX ${badName})`,
        });
        const text = joinPairs(pairs);
        expect(captureXapsError(() => parseXapplepushservice(text)).rule).toBe(
          'bad-mailbox',
        );
      }),
      RUNS,
    );
  });
});
