import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import {
  parseRotationEvent,
  runRotationStep,
  type StepResult,
} from '../../shared/credentials/rotation/run-step.js';
import { createLogger } from '../../shared/log/logger.js';
import { rotationRuntime } from './runtime.js';

const SERVICE_NAME = 'xaps-rotate-credential';

export const logger = createLogger(SERVICE_NAME);

/**
 * Runs one step of Secrets Manager's rotation of the APNs credential secret. A thrown
 * error fails the step; Secrets Manager then stops this rotation (AWSCURRENT stays)
 * and the daily check clears what it left before the next one.
 */
export async function handleRotationStep(event: unknown): Promise<StepResult> {
  const parsed = parseRotationEvent(event);
  const ids = {
    step: parsed.Step,
    secretId: parsed.SecretId,
    token: parsed.ClientRequestToken,
  };
  logger.info('rotation step started', ids);
  try {
    const result = await runRotationStep(parsed, rotationRuntime(logger).deps);
    logger.info('rotation step finished', { ...ids, outcome: result.outcome });
    return result;
  } catch (error) {
    logger.error('rotation step failed', { ...ids, error });
    throw error;
  }
}

export const handler = middy(handleRotationStep).use(injectLambdaContext(logger));
