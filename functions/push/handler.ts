import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { readMetricsNamespace } from '../../shared/config/lambda-config.js';
import { RejectionWatch } from '../../shared/credentials/rejection-watch.js';
import { createLogger } from '../../shared/log/logger.js';
import { parseMailEvent } from '../../shared/mail-events/parse-event.js';
import { logSkippedRecords } from '../../shared/mail-events/parse-result.js';
import {
  emptyBatchSummary,
  type PushBatchSummary,
  pushMailEvents,
} from '../../shared/push/push-events.js';
import { blockOnRejection, skipWhenBlocked } from './credential-block.js';
import { addPushMetrics } from './metrics.js';
import { pushRuntime } from './runtime.js';

const SERVICE_NAME = 'xaps-push';

export const logger = createLogger(SERVICE_NAME);
export const metrics = new Metrics({
  namespace: readMetricsNamespace(),
  serviceName: SERVICE_NAME,
});

/**
 * Pushes the new mail an SNS (or SES) event announces. Records that announce no new
 * mail are logged and acknowledged. Throws after every push finished when some ended
 * retryable or an event failed, so that Lambda retries the invocation. On the retry,
 * the claims of the devices already pushed keep them from a second push.
 */
export async function handlePushEvent(event: unknown): Promise<PushBatchSummary> {
  const runtime = pushRuntime(logger);
  const parsed = parseMailEvent(event, runtime.users);
  logSkippedRecords(parsed.skipped, logger);

  let summary = emptyBatchSummary(0);
  if (parsed.events.length > 0) {
    const credential = await runtime.credentials.current();
    const blocked = skipWhenBlocked(
      runtime.credentials.block,
      parsed.events.length,
      logger,
      metrics,
    );
    if (blocked !== undefined) return blocked;

    const watch = new RejectionWatch(credential.sender);
    summary = await pushMailEvents(parsed.events, {
      store: runtime.store,
      sender: watch,
      currentTopic: credential.topic,
      logger,
      guard: runtime.guard,
      claims: runtime.claims,
    });
    await blockOnRejection(watch, credential, runtime, logger, metrics);
  }

  addPushMetrics(metrics, summary);
  logger.info('mail events handled', {
    eventIds: [...new Set(parsed.events.map((mailEvent) => mailEvent.eventId))],
    skipped: parsed.skipped.length,
    ...summary,
  });
  if (summary.retryable > 0 || summary.failedEvents > 0) {
    throw new Error(
      `${summary.retryable} pushes ended retryable and ${summary.failedEvents} events ` +
        'failed: failing the invocation so Lambda retries it; devices already pushed ' +
        'are skipped on the retry',
    );
  }
  return summary;
}

export const handler = middy(handlePushEvent)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
