import { performance } from 'node:perf_hooks';

/** Operations per second over several samples of one function. */
export interface Throughput {
  /** Median of the samples. */
  opsPerSecond: number;
  min: number;
  max: number;
}

const WARM_UP_MS = 200;
const SAMPLES = 5;
const SAMPLE_MS = 300;

/**
 * Calls `operation` in a loop: 200 ms to let V8 optimise it, then five samples of
 * 300 ms each. Each result is passed to `consume`, so V8 cannot drop the call as unused.
 */
export function measureOps<T>(
  operation: () => T,
  consume: (result: T) => void,
): Throughput {
  runFor(WARM_UP_MS, operation, consume);
  const samples: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    samples.push(runFor(SAMPLE_MS, operation, consume));
  }
  samples.sort((a, b) => a - b);
  return {
    opsPerSecond: samples[Math.floor(samples.length / 2)] ?? 0,
    min: samples[0] ?? 0,
    max: samples[samples.length - 1] ?? 0,
  };
}

/** Formats a throughput as "123,456 ops/s (120,000-125,000)". */
export function formatThroughput(throughput: Throughput): string {
  const format = (value: number) => Math.round(value).toLocaleString('en-US');
  return `${format(throughput.opsPerSecond)} ops/s (${format(throughput.min)}-${format(throughput.max)})`;
}

/** Runs `operation` for about `durationMs` and returns the rate reached, per second. */
function runFor<T>(
  durationMs: number,
  operation: () => T,
  consume: (result: T) => void,
): number {
  const started = performance.now();
  let elapsed = 0;
  let count = 0;
  // Checking the clock every 16 calls keeps its cost out of short operations.
  while (elapsed < durationMs) {
    for (let i = 0; i < 16; i += 1) {
      consume(operation());
    }
    count += 16;
    elapsed = performance.now() - started;
  }
  return (count * 1000) / elapsed;
}
