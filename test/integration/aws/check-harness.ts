import { vi } from 'vitest';
import type { CheckResult } from '../../../shared/credentials/rotation/check.js';
import { lambdaContext } from './rotation-harness.js';

/** The check function loaded in-process, with the metric documents it printed. */
export interface CheckFunction {
  /** Invokes the handler for `secretId` (re-reading the environment first). */
  invoke(secretId: string): Promise<CheckResult>;
  /** Values of one metric in the EMF documents printed so far, oldest first. */
  metricValues(name: string): number[];
  close(): Promise<void>;
}

/** Loads the check function; set XAPS_TABLE_NAME before calling. */
export async function loadCheckFunction(): Promise<CheckFunction> {
  const lines = captureMetricLines();
  const { handler } = await import('../../../functions/check-credential/handler.js');
  const { closeCheckRuntime } = await import(
    '../../../functions/check-credential/runtime.js'
  );
  return {
    async invoke(secretId) {
      closeCheckRuntime();
      process.env.XAPS_CREDENTIAL_SECRET_ID = secretId;
      return handler({ source: 'aws.events' }, lambdaContext());
    },
    metricValues(name) {
      return lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((document) => name in document)
        .map((document) => document[name] as number);
    },
    async close() {
      closeCheckRuntime();
      vi.restoreAllMocks();
    },
  };
}

/** Keeps the CloudWatch EMF lines the Metrics utility writes to stdout, and hides them. */
function captureMetricLines(): string[] {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((
    chunk: unknown,
    ...rest: never[]
  ) => {
    const text = typeof chunk === 'string' ? chunk : String(chunk);
    if (text.includes('"_aws"')) {
      lines.push(...text.split('\n').filter((line) => line.includes('"_aws"')));
      return true;
    }
    return write(chunk as string, ...rest);
  }) as typeof process.stdout.write);
  return lines;
}
