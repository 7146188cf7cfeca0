import { parseXapplepushservice } from '../shared/imap/index.js';
import { iosArguments, naiveParse, worstCaseArguments } from './support/parse-inputs.js';
import { atLeast, type Check, info } from './support/report.js';
import { formatThroughput, measureOps, type Throughput } from './support/throughput.js';

/**
 * Floor for the iOS command, in parses per second: 50 µs a parse. iOS registers about
 * once a day per device, so even 100,000 devices need about 1.2 parses a second.
 */
export const IOS_TARGET_OPS = 20_000;
/**
 * Floor for a 64 KiB command: 50 ms a parse, the /notify p99 target, so one hostile
 * command of the longest length cannot stall the event loop for longer than that.
 */
export const LARGE_TARGET_OPS = 20;
/**
 * Floor for the bytes parsed per second at 64 KiB over those at 8 KiB. Linear time
 * keeps the ratio near 1, and quadratic time would bring it down to 1/8.
 */
export const LINEARITY_FLOOR = 0.25;

/** Default imap_max_line_length in Dovecot's example conf.d/20-imap.conf: 64k. */
const LARGE_BYTES = 64 * 1024;
const SMALL_BYTES = 8 * 1024;

/**
 * Measures parseXapplepushservice on the command in the iOS fixture and on
 * worst-case commands of 8 KiB and 64 KiB, each against a naive split-on-space parse
 * of the same bytes.
 */
export async function runParseBench(): Promise<Check[]> {
  const ios = iosArguments();
  const small = worstCaseArguments(SMALL_BYTES);
  const large = worstCaseArguments(LARGE_BYTES);
  checkInputs(ios, small, large);

  const iosFull = measureFull(ios);
  const iosNaive = measureNaive(ios);
  const smallFull = measureFull(small.args);
  const largeFull = measureFull(large.args);
  const largeNaive = measureNaive(large.args);
  const perByte = (throughput: Throughput, bytes: number) =>
    throughput.opsPerSecond * bytes;
  const linearity =
    perByte(largeFull, large.args.length) / perByte(smallFull, small.args.length);

  return [
    atLeast('iOS command: full grammar', iosFull.opsPerSecond, IOS_TARGET_OPS, opsText),
    info('iOS command: full grammar, spread', formatThroughput(iosFull)),
    info('iOS command: naive split', formatThroughput(iosNaive), 'baseline'),
    info(
      'iOS command: cost of the grammar',
      ratio(iosNaive, iosFull),
      'naive split = 1x',
    ),
    info(
      'iOS command: mailboxes, full / naive',
      `${JSON.stringify(parseXapplepushservice(ios).mailboxes)} / ${JSON.stringify(naiveParse(ios).mailboxes)}`,
    ),
    info(
      `${SMALL_BYTES / 1024} KiB command (${small.mailboxes} mailboxes): full grammar`,
      formatThroughput(smallFull),
    ),
    atLeast(
      `${LARGE_BYTES / 1024} KiB command (${large.mailboxes} mailboxes): full grammar`,
      largeFull.opsPerSecond,
      LARGE_TARGET_OPS,
      opsText,
    ),
    info(
      `${LARGE_BYTES / 1024} KiB command: full grammar, spread`,
      formatThroughput(largeFull),
    ),
    info(
      `${LARGE_BYTES / 1024} KiB command: naive split`,
      formatThroughput(largeNaive),
      'baseline',
    ),
    info(
      `${LARGE_BYTES / 1024} KiB command: cost of the grammar`,
      ratio(largeNaive, largeFull),
      'naive split = 1x',
    ),
    atLeast('bytes/s at 64 KiB relative to 8 KiB', linearity, LINEARITY_FLOOR, (value) =>
      value.toFixed(2),
    ),
  ];
}

/** Fails fast when an input does not parse as intended, which would void the figures. */
function checkInputs(
  ios: string,
  small: ReturnType<typeof worstCaseArguments>,
  large: ReturnType<typeof worstCaseArguments>,
): void {
  const parsed = parseXapplepushservice(ios);
  if (!parsed.mailboxes.includes('Sent Messages')) {
    throw new Error(
      `the iOS fixture parsed to mailboxes ${JSON.stringify(parsed.mailboxes)}, ` +
        'expected "Sent Messages" among them: check the fixture and the parser tests',
    );
  }
  for (const input of [small, large]) {
    const count = parseXapplepushservice(input.args).mailboxes.length;
    if (count !== input.mailboxes) {
      throw new Error(
        `a worst-case command parsed to ${count} of its ${input.mailboxes} mailboxes: ` +
          'check worstCaseArguments() and the parser tests',
      );
    }
  }
}

/** Receives every result, so V8 cannot drop a parse whose result goes unused. */
const sink = { count: 0 };

function measureFull(args: string): Throughput {
  return measureOps(
    () => parseXapplepushservice(args),
    (result) => {
      sink.count += result.mailboxes.length;
    },
  );
}

function measureNaive(args: string): Throughput {
  return measureOps(
    () => naiveParse(args),
    (result) => {
      sink.count += Object.keys(result).length;
    },
  );
}

function opsText(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ops/s`;
}

function ratio(baseline: Throughput, measured: Throughput): string {
  return `${(baseline.opsPerSecond / measured.opsPerSecond).toFixed(1)}x the time`;
}
