/** Figures and target checks that every benchmark prints in the same table. */

/** One measured figure next to its target or baseline. */
export interface Check {
  metric: string;
  measured: string;
  /** The target (e.g. "< 50 ms") or, for a figure with no target, its baseline. */
  target: string;
  /** Undefined for a figure reported without a target. */
  passed: boolean | undefined;
}

/** Latency figures of one run, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Returns the nearest-rank percentile `p` (0 to 100) of ascending `sorted` values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Summarises latencies given in milliseconds. */
export function summariseLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
  };
}

/** Formats milliseconds with two decimals, e.g. "1.27 ms". */
export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/** Formats a rate with thousands separators, e.g. "12,345/s". */
export function perSecond(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')}/s`;
}

/** Formats bytes as MiB with one decimal. */
export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Checks that `value` is below `limit`. */
export function below(
  metric: string,
  value: number,
  limit: number,
  format: (n: number) => string,
): Check {
  return {
    metric,
    measured: format(value),
    target: `< ${format(limit)}`,
    passed: value < limit,
  };
}

/** Checks that `value` is at least `floor`. */
export function atLeast(
  metric: string,
  value: number,
  floor: number,
  format: (n: number) => string,
): Check {
  return {
    metric,
    measured: format(value),
    target: `>= ${format(floor)}`,
    passed: value >= floor,
  };
}

/** Reports a figure beside its baseline, or for information, with no target. */
export function info(metric: string, measured: string, baseline = '-'): Check {
  return { metric, measured, target: baseline, passed: undefined };
}

/** Prints the checks as an aligned table under a heading. */
export function printChecks(title: string, checks: readonly Check[]): void {
  const rows = checks.map((check) => [
    check.metric,
    check.measured,
    check.target,
    verdict(check.passed),
  ]);
  const header = ['metric', 'measured', 'target or baseline', 'result'];
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');

  console.log(`\n${title}`);
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) {
    console.log(line(row));
  }
}

/** Counts the checks that missed their target. */
export function countMissed(checks: readonly Check[]): number {
  return checks.filter((check) => check.passed === false).length;
}

function verdict(passed: boolean | undefined): string {
  if (passed === undefined) {
    return 'info';
  }
  return passed ? 'ok' : 'MISSED';
}
