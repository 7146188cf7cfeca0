import type { Logger } from '../../log/logger.js';
import type { StoredCredentialKind } from '../stored-credential.js';
import type { CredentialPlan } from './policy.js';

/** The facts of the checked credential that the log line names. */
export interface CheckedCredentialFacts {
  topic: string;
  kind: StoredCredentialKind;
  /** ISO 8601 expiry; null for a token key. */
  notAfter: string | null;
}

/**
 * Logs the outcome of an expiry check: one line with the days to expiry and the next
 * step, and the plan's warning, if any, at its own level.
 */
export function logCredentialPlan(
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
  credential: CheckedCredentialFacts,
  plan: CredentialPlan,
): void {
  logger.info('credential checked', {
    topic: credential.topic,
    kind: credential.kind,
    notAfter: credential.notAfter,
    daysToExpiry: plan.daysLeft,
    next: plan.next,
  });
  if (plan.warning !== undefined) {
    logger[plan.warning.level](plan.warning.message, {
      threshold: plan.warning.threshold,
      daysToExpiry: plan.daysLeft,
    });
  }
}
