import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { runNotifyBench } from './notify-latency.js';
import { runParseBench } from './parse.js';
import { runRegisterBench } from './register-latency.js';
import { type Check, countMissed, printChecks } from './support/report.js';

/**
 * Runs the benchmarks by hand: `npm run bench` runs all of them, `npm run bench --
 * notify` (or register, parse) runs the named ones. Exits 1 when a target is missed
 * or a benchmark fails, 2 on an unknown name. Never part of `npm test`.
 */

const BENCHMARKS: Record<string, { title: string; run: () => Promise<Check[]> }> = {
  notify: {
    title: 'POST /notify latency (xaps serve, 1,000 users x 2 devices)',
    run: runNotifyBench,
  },
  register: {
    title: 'POST /register latency (xaps serve, SQLite synchronous=FULL)',
    run: runRegisterBench,
  },
  parse: { title: 'parseXapplepushservice throughput', run: runParseBench },
};

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((name) => !Object.hasOwn(BENCHMARKS, name));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark '${unknown.join("', '")}': choose from ${Object.keys(BENCHMARKS).join(', ')}, or none for all`,
    );
    return 2;
  }

  const selected = names.length === 0 ? Object.keys(BENCHMARKS) : names;
  console.log(machineLine());
  const [load = 0] = loadavg();
  if (load > availableParallelism()) {
    console.log(
      `warning: the 1-minute load average (${load.toFixed(2)}) exceeds the CPU count ` +
        `(${availableParallelism()}), so other processes compete for the CPUs and the ` +
        'latency figures come out higher than on an idle host',
    );
  }
  let missed = 0;
  let failed = 0;
  for (const name of selected) {
    const benchmark = BENCHMARKS[name];
    if (benchmark === undefined) continue;
    const started = Date.now();
    try {
      const checks = await benchmark.run();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      printChecks(`${name}: ${benchmark.title} (${seconds} s)`, checks);
      missed += countMissed(checks);
    } catch (error) {
      failed += 1;
      console.error(
        `\n${name}: benchmark failed: ${error instanceof Error ? error.stack : String(error)}`,
      );
    }
  }

  console.log(
    missed === 0 && failed === 0
      ? '\nevery target met'
      : `\n${missed} target(s) missed, ${failed} benchmark(s) failed`,
  );
  return missed === 0 && failed === 0 ? 0 : 1;
}

function machineLine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  const memory = `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`;
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  return (
    `node ${process.version}, ${availableParallelism()} CPU(s) (${model}), ` +
    `${memory} RAM, ${process.platform}, load average ${load}`
  );
}

// A Ctrl-C exits through process.exit so that the 'exit' handlers kill xaps serve.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

process.exitCode = await main(process.argv.slice(2));
