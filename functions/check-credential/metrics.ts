import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CheckResult } from '../../shared/credentials/rotation/check.js';

/**
 * Adds the check's metrics: DaysToExpiry in whole days (negative once expired, and none
 * for a token key), CredentialBlocked (1 or 0) and RotationStarted (1 or 0). The alarms in
 * iac/credential-alarms.yml watch the first two.
 */
export function addCheckMetrics(metrics: Metrics, result: CheckResult): void {
  if (result.config === undefined) return;
  if (result.plan?.daysLeft !== null && result.plan?.daysLeft !== undefined) {
    metrics.addMetric('DaysToExpiry', MetricUnit.Count, result.plan.daysLeft);
  }
  metrics.addMetric(
    'CredentialBlocked',
    MetricUnit.Count,
    result.config.block === undefined ? 0 : 1,
  );
  metrics.addMetric(
    'RotationStarted',
    MetricUnit.Count,
    result.rotation?.started === true ? 1 : 0,
  );
}
