import type { ServerResponse } from 'node:http';
import type { ShimContext } from './context.js';
import { sendJson } from './http-io.js';

/** The /health document. */
export interface HealthReport {
  status: 'ok' | 'error';
  store: { state: 'ok' | 'error'; error?: string };
  credential:
    | { loaded: false }
    | {
        loaded: true;
        kind: string;
        topic: string;
        /** Null for a token key, which does not expire. */
        notAfter: string | null;
        environment: string;
        expired: boolean;
      };
  apns: { healthy: boolean; [key: string]: unknown };
}

/** Builds the health report: push works when the store, credential and APNs session do. */
export async function checkHealth(
  ctx: ShimContext,
  now = Date.now(),
): Promise<HealthReport> {
  const store = await checkStore(ctx);
  const credential = ctx.credential;
  const apns = ctx.apnsStatus?.() ?? { healthy: credential !== undefined };

  const report: HealthReport = {
    status: 'ok',
    store,
    credential:
      credential === undefined
        ? { loaded: false }
        : {
            loaded: true,
            kind: credential.kind,
            topic: credential.topic,
            notAfter: credential.notAfter?.toISOString() ?? null,
            environment: credential.environment,
            expired: credential.notAfter !== null && credential.notAfter.getTime() <= now,
          },
    apns,
  };
  const credentialWorks = report.credential.loaded && !report.credential.expired;
  if (store.state !== 'ok' || !credentialWorks || !apns.healthy) {
    report.status = 'error';
  }
  return report;
}

/** Handles GET /health: 200 when push works, 503 otherwise. */
export async function handleHealth(res: ServerResponse, ctx: ShimContext): Promise<void> {
  const report = await checkHealth(ctx);
  sendJson(res, report.status === 'ok' ? 200 : 503, report);
}

async function checkStore(ctx: ShimContext): Promise<HealthReport['store']> {
  try {
    // A lookup of a user that cannot exist reads the index without returning rows.
    await ctx.store.listByUser('\u0000health-check');
    return { state: 'ok' };
  } catch (error) {
    return {
      state: 'error',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
