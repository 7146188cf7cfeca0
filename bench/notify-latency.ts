import {
  countStatus,
  formatStatuses,
  latencyFigures,
  type PhaseResult,
  runPhase,
} from './support/phase.js';
import { below, type Check, info, mebibytes, ms } from './support/report.js';
import {
  type ServeHarness,
  startServeHarness,
  waitUntil,
  withTimeLimit,
} from './support/serve-harness.js';
import {
  createDevices,
  NOTIFY_KINDS,
  type NotifyKind,
  notifyRequests,
  registerRequests,
} from './support/workload.js';

const USERS = 1000;
const DEVICES_PER_USER = 2;
const NOTIFIES = 5000;
const WARM_UP_NOTIFIES = 500;
/** Keep-alive connections, each with one request in flight, like 16 busy LMTP processes. */
const CONNECTIONS = 16;
/** The default XAPS_PUSH_QUEUE_SIZE, so the held phase overflows what operators run. */
const PUSH_QUEUE_SIZE = 1000;

/**
 * p99 target for /notify. Dovecot's LMTP and LDA wait for this response before they
 * finish a delivery, and the xaps plugin 2.3 gives up after 5 s. 50 ms is 1% of that.
 */
export const NOTIFY_P99_TARGET_MS = 50;
/**
 * Limit on the peak memory during the held phase over the resident memory before it.
 * The queue keeps at most XAPS_PUSH_QUEUE_SIZE jobs, so the growth should stay at a few
 * MiB. The rest of the 64 MiB is room for V8's heap growing between collections.
 */
export const HELD_MEMORY_GROWTH_LIMIT_BYTES = 64 * 1024 * 1024;
/** Time the pushes accepted while APNs was held may take once it responds again. */
const DRAIN_LIMIT_MS = 30_000;
const TIME_LIMIT_MS = 180_000;

/**
 * Measures POST /notify against `xaps serve` with 1,000 users x 2 devices registered,
 * first with the APNs stand-in responding at once, then with it holding every push.
 * Holding is the slow-APNs case: the push queue fills, and the overflow must become
 * logged 503 responses.
 */
export async function runNotifyBench(): Promise<Check[]> {
  const harness = await startServeHarness(PUSH_QUEUE_SIZE);
  const checks: Check[] = [];
  try {
    checks.push(
      ...(await withTimeLimit(measure(harness), TIME_LIMIT_MS, 'notify bench')),
    );
  } finally {
    const { exitCode, stopMs } = await harness.stop();
    checks.push({
      metric: 'serve stopped on SIGTERM',
      measured: `exit code ${exitCode} after ${ms(stopMs)}`,
      target: 'exit code 0',
      passed: exitCode === 0,
    });
  }
  return checks;
}

async function measure(harness: ServeHarness): Promise<Check[]> {
  const checks: Check[] = [
    memoryFigure('serve VmRSS after start', await harness.memory()),
  ];
  const devices = createDevices(USERS, DEVICES_PER_USER, 'notify');
  const users = [...new Set(devices.map((device) => device.user))];
  const registered = await runPhase(harness.port, CONNECTIONS, registerRequests(devices));
  checks.push(
    info('setup: /register', formatStatuses(registered.statuses)),
    memoryFigure('serve VmRSS after 2,000 registrations', await harness.memory()),
  );

  await runImmediate(harness, notifyRequests(WARM_UP_NOTIFIES, users, 7));
  const atOnce = await runImmediate(harness, notifyRequests(NOTIFIES, users, 1));
  checks.push(
    ...notifyChecks('APNs at once', atOnce.phase),
    deliveredCheck('APNs at once', atOnce.delivered, atOnce.accepted),
    ...(await held(harness, notifyRequests(NOTIFIES, users, 2))),
  );
  return checks;
}

/** Runs one phase with APNs responding at once and waits for its pushes. */
async function runImmediate(
  harness: ServeHarness,
  requests: ReturnType<typeof notifyRequests>,
) {
  const before = await harness.standin.delivered();
  const phase = await runPhase(harness.port, CONNECTIONS, requests);
  const accepted = countStatus(phase, 200);
  const expected = before + accepted * DEVICES_PER_USER;
  await waitUntil(
    async () => (await harness.standin.delivered()) >= expected,
    DRAIN_LIMIT_MS,
  );
  const delivered = (await harness.standin.delivered()) - before;
  return { phase, accepted, delivered };
}

/** Runs one phase while the stand-in holds every push, then releases it. */
async function held(harness: ServeHarness, requests: ReturnType<typeof notifyRequests>) {
  const before = await harness.memory();
  const peakReset = await harness.resetPeakMemory();
  const deliveredBefore = await harness.standin.delivered();
  await harness.standin.hold();
  const phase = await runPhase(harness.port, CONNECTIONS, requests);
  const after = await harness.memory();

  const accepted = countStatus(phase, 200);
  const rejected = countStatus(phase, 503);
  // The log line travels through a pipe, so it may come in after the last response.
  const queueFull = { message: 'push dropped', reason: 'queue-full' };
  await harness.waitForLog(queueFull, 2000);
  const queueFullLogs = harness.countLogs(queueFull);
  await harness.standin.release();
  const expected = deliveredBefore + accepted * DEVICES_PER_USER;
  await waitUntil(
    async () => (await harness.standin.delivered()) >= expected,
    DRAIN_LIMIT_MS,
  );
  const delivered = (await harness.standin.delivered()) - deliveredBefore;

  const checks = notifyChecks('APNs held', phase);
  checks.push(
    {
      metric: 'APNs held: pushes queued (200)',
      measured: String(accepted),
      target: `<= ${PUSH_QUEUE_SIZE} (queue size)`,
      passed: accepted <= PUSH_QUEUE_SIZE,
    },
    {
      metric: 'APNs held: queue-full responses (503)',
      measured: `${rejected}, ${queueFullLogs} "queue-full" log line(s)`,
      target: '> 0 and logged',
      passed: rejected > 0 && queueFullLogs > 0,
    },
    ...memoryChecks(before, after, peakReset),
    deliveredCheck('APNs held, then released', delivered, accepted),
  );
  return checks;
}

function notifyChecks(name: string, phase: PhaseResult): Check[] {
  const unexpected = phase.results.filter((result) => {
    const wanted = NOTIFY_KINDS[result.label as NotifyKind];
    return result.status !== wanted && !(wanted === 200 && result.status === 503);
  }).length;
  return [
    ...latencyFigures(name, phase, NOTIFY_P99_TARGET_MS),
    info(`${name}: statuses`, formatStatuses(phase.statuses)),
    {
      metric: `${name}: unexpected statuses`,
      measured: String(unexpected),
      target: '0',
      passed: unexpected === 0,
    },
  ];
}

function deliveredCheck(name: string, delivered: number, accepted: number): Check {
  const expected = accepted * DEVICES_PER_USER;
  return {
    metric: `${name}: pushes delivered`,
    measured: `${delivered} of ${expected}`,
    target: `all, within ${DRAIN_LIMIT_MS / 1000} s`,
    passed: delivered === expected,
  };
}

type Memory = Awaited<ReturnType<ServeHarness['memory']>>;

function memoryFigure(metric: string, reading: Memory): Check {
  return info(
    metric,
    reading === undefined ? 'not measured' : mebibytes(reading.rssBytes),
  );
}

/** Checks that the peak while APNs is held stays near the resident size before it. */
function memoryChecks(before: Memory, after: Memory, peakReset: boolean): Check[] {
  if (before === undefined || after === undefined) {
    return [info('serve memory', 'not measured: /proc/<pid>/status is missing')];
  }
  // Without the reset, VmHWM is the peak since start, which can only overstate growth.
  const peak = peakReset ? 'held phase' : 'since start';
  const growth = after.hwmBytes - before.rssBytes;
  return [
    memoryFigure('serve VmRSS before held phase', before),
    memoryFigure('serve VmRSS after held phase', after),
    info(`serve VmHWM (peak, ${peak})`, mebibytes(after.hwmBytes)),
    below(
      'serve peak growth over held phase',
      growth,
      HELD_MEMORY_GROWTH_LIMIT_BYTES,
      mebibytes,
    ),
  ];
}
