import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { readMetricsNamespace } from '../../shared/config/lambda-config.js';
import {
  type CheckResult,
  checkCredential,
} from '../../shared/credentials/rotation/check.js';
import { createLogger } from '../../shared/log/logger.js';
import { addCheckMetrics } from './metrics.js';
import { checkRuntime } from './runtime.js';

const SERVICE_NAME = 'xaps-check-credential';

export const logger = createLogger(SERVICE_NAME);
export const metrics = new Metrics({
  namespace: readMetricsNamespace(),
  serviceName: SERVICE_NAME,
});

/**
 * Runs the daily credential check for the EventBridge schedule and publishes its
 * metrics: days to expiry, the block flag, and whether a rotation started.
 */
export async function handleCheck(_event: unknown): Promise<CheckResult> {
  const result = await checkCredential(checkRuntime(logger).deps);
  addCheckMetrics(metrics, result);
  return result;
}

export const handler = middy(handleCheck)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
