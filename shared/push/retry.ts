import { setTimeout as sleep } from 'node:timers/promises';
import type { PushOutcome, PushRequest, PushSender } from '../apns/types.js';
import { tokenPrefix } from '../log/logger.js';
import type { PushLogger } from './types.js';

/** Delays before the first and second retry of a retryable APNs response, in milliseconds. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [250, 1000];

/**
 * Sends one push and retries it after each delay while APNs responds with a
 * retryable outcome (429, 5xx, a lost session). A sender that throws counts as
 * retryable. Returns the last outcome.
 */
export async function pushWithRetry(
  sender: PushSender,
  request: PushRequest,
  logger: PushLogger,
  delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
): Promise<PushOutcome> {
  let outcome = await attempt(sender, request);

  for (const [index, delayMs] of delaysMs.entries()) {
    if (outcome.kind !== 'retryable') {
      return outcome;
    }
    logger.warn('retrying push', {
      tokenPrefix: tokenPrefix(request.deviceToken),
      reason: outcome.reason,
      status: outcome.status,
      retry: index + 1,
      delayMs,
    });
    await sleep(delayMs);
    outcome = await attempt(sender, request);
  }
  return outcome;
}

async function attempt(sender: PushSender, request: PushRequest): Promise<PushOutcome> {
  try {
    return await sender.push(request);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: 'retryable', reason };
  }
}
