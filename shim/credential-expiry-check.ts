import { certificateKindOf } from '../shared/credentials/model.js';
import { logCredentialPlan } from '../shared/credentials/rotation/plan-log.js';
import {
  type CredentialPlan,
  planLocalCredential,
} from '../shared/credentials/rotation/policy.js';
import type { PushLogger } from '../shared/push/types.js';

/** How often `xaps serve` checks the expiry of its certificate: daily, like the AWS check. */
export const EXPIRY_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The facts of the loaded certificate that the check reads. */
export interface CheckedCertificate {
  topic: string;
  notAfter: Date;
}

/**
 * Checks the certificate's expiry the way the AWS daily check does (the same policy):
 * one log line with the days to expiry, and a warning at 30, 14 and 7 days and after
 * expiry. The local mode renews nothing itself. Returns the plan.
 */
export function checkLocalExpiry(
  certificate: CheckedCertificate,
  logger: PushLogger,
  now: Date = new Date(),
): CredentialPlan {
  const kind = certificateKindOf(certificate.topic);
  const notAfter = certificate.notAfter.toISOString();
  const plan = planLocalCredential(kind, notAfter, now);
  logCredentialPlan(logger, { topic: certificate.topic, kind, notAfter }, plan);
  return plan;
}

/**
 * Runs checkLocalExpiry now and then every `intervalMs`, and returns the function that
 * stops it. The timer never keeps the process alive.
 */
export function scheduleExpiryCheck(
  certificate: CheckedCertificate,
  logger: PushLogger,
  intervalMs: number = EXPIRY_CHECK_INTERVAL_MS,
): () => void {
  checkLocalExpiry(certificate, logger);
  const timer = setInterval(() => {
    checkLocalExpiry(certificate, logger);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
