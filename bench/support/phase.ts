import {
  type PreparedRequest,
  runClosedLoop,
  type TimedResult,
} from './plugin-client.js';
import {
  below,
  type Check,
  info,
  type LatencySummary,
  ms,
  perSecond,
  summariseLatencies,
} from './report.js';

/** Results of one timed batch of requests. */
export interface PhaseResult {
  results: TimedResult[];
  latency: LatencySummary;
  requestsPerSecond: number;
  /** Responses per status code. */
  statuses: Map<number, number>;
}

/** Sends `requests` over `connections` keep-alive connections and summarises them. */
export async function runPhase(
  port: number,
  connections: number,
  requests: readonly PreparedRequest[],
): Promise<PhaseResult> {
  const { results, wallMs } = await runClosedLoop(port, connections, requests);
  const statuses = new Map<number, number>();
  for (const result of results) {
    statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
  }
  return {
    results,
    latency: summariseLatencies(results.map((result) => result.latencyMs)),
    requestsPerSecond: (results.length * 1000) / wallMs,
    statuses,
  };
}

/** Counts the results that have `status`, optionally only those with `label`. */
export function countStatus(phase: PhaseResult, status: number, label?: string): number {
  return phase.results.filter(
    (result) =>
      result.status === status && (label === undefined || result.label === label),
  ).length;
}

/** Reports the latency percentiles, checking p99 against `p99TargetMs`, and the rate. */
export function latencyFigures(
  name: string,
  phase: PhaseResult,
  p99TargetMs: number,
): Check[] {
  const { latency } = phase;
  return [
    info(`${name}: requests`, String(latency.count)),
    info(`${name}: p50 latency`, ms(latency.p50)),
    info(`${name}: p95 latency`, ms(latency.p95)),
    below(`${name}: p99 latency`, latency.p99, p99TargetMs, ms),
    info(`${name}: max latency`, ms(latency.max)),
    info(`${name}: mean latency`, ms(latency.mean)),
    info(`${name}: throughput`, perSecond(phase.requestsPerSecond)),
  ];
}

/** Formats status counts as "200 x 2210, 204 x 1530". */
export function formatStatuses(statuses: ReadonlyMap<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status} x ${count}`)
    .join(', ');
}
