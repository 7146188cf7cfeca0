import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PushBatchSummary } from '../../shared/push/push-events.js';

/**
 * Adds one invocation's counts to the metrics: PushesSent, PushesDeduplicated and
 * TokensRemoved (zeros included, so alarms see a steady series), and PushesDropped
 * once per drop reason, with the reason as a dimension.
 */
export function addPushMetrics(metrics: Metrics, summary: PushBatchSummary): void {
  metrics.addMetric('PushesSent', MetricUnit.Count, summary.sent);
  metrics.addMetric('PushesDeduplicated', MetricUnit.Count, summary.deduplicated);
  metrics.addMetric('TokensRemoved', MetricUnit.Count, summary.removed);

  for (const { reason, count } of summary.dropped) {
    // A single metric is published at once with its own dimensions, apart from the batch.
    const dropped = metrics.singleMetric();
    dropped.addDimension('reason', reason);
    dropped.addMetric('PushesDropped', MetricUnit.Count, count);
  }
}
