import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ActiveCredential } from '../../shared/credentials/active-credential.js';
import { setBlocked } from '../../shared/credentials/credential-block.js';
import type { RejectionWatch } from '../../shared/credentials/rejection-watch.js';
import type { CredentialBlock } from '../../shared/credentials/stored-credential.js';
import type { Logger } from '../../shared/log/logger.js';
import {
  emptyBatchSummary,
  type PushBatchSummary,
} from '../../shared/push/push-events.js';
import type { PushRuntime } from './runtime.js';

/**
 * Returns the summary of an invocation skipped because the credential is blocked, after
 * a log line and the PushesBlocked and CredentialBlocked metrics. Returns undefined when
 * not blocked. The invocation succeeds, because a retry would meet the same block.
 */
export function skipWhenBlocked(
  block: CredentialBlock | undefined,
  events: number,
  logger: Logger,
  metrics: Metrics,
): PushBatchSummary | undefined {
  if (block === undefined) return undefined;
  logger.warn(
    'pushes skipped because APNs rejected the credential: they stay blocked until a ' +
      'rotation, an import or xaps credential clear-block',
    { events, ...block },
  );
  metrics.addMetric('PushesBlocked', MetricUnit.Count, events);
  metrics.addMetric('CredentialBlocked', MetricUnit.Count, 1);
  return emptyBatchSummary(events);
}

/**
 * Sets the credential block when APNs rejected the credential itself during this
 * invocation. The block names the secret version, so a rejection of a credential that a
 * rotation replaced meanwhile blocks nothing.
 */
export async function blockOnRejection(
  watch: RejectionWatch,
  credential: ActiveCredential,
  runtime: PushRuntime,
  logger: Logger,
  metrics: Metrics,
): Promise<void> {
  const reason = watch.rejection;
  if (reason === undefined) return;

  const block = { reason, at: new Date().toISOString(), versionId: credential.versionId };
  try {
    const set = await setBlocked(runtime.dynamo, runtime.config.tableName, block);
    if (set) {
      metrics.addMetric('CredentialBlocked', MetricUnit.Count, 1);
      logger.error(
        `APNs rejected the credential (${reason}), so pushes are blocked: ${advice(reason)}`,
        { ...block, topic: credential.topic },
      );
    }
  } catch (error) {
    logger.error('setting the credential block failed', { ...block, error });
  }
}

function advice(reason: string): string {
  if (reason === 'BadCertificateEnvironment') {
    return (
      "set XAPS_APNS_ENDPOINT to the certificate's environment, then run " +
      'xaps credential clear-block'
    );
  }
  return 'import a working credential with xaps credential import';
}
