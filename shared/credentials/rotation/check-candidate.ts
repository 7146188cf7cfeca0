import type { StoredCredential } from '../stored-credential.js';
import { checkStoredCredential } from '../stored-credential-check.js';

/**
 * Checks that a credential about to become AWSPENDING can push at all. A certificate
 * must match its key, carry the stored topic as subject UID and not have expired. A
 * token key must be P-256 with well-formed identifiers. Throws naming `origin`; whether
 * APNs accepts the credential is testSecret's check.
 */
export function checkCandidate(
  credential: StoredCredential,
  origin: string,
  now: Date,
): void {
  const { notAfter } = checkStoredCredential(credential, origin, {
    statedBy: 'the version',
    advice: 'upload it again with xaps credential import',
  });
  if (notAfter !== null && notAfter.getTime() <= now.getTime()) {
    throw new Error(
      `the certificate in ${origin} expired on ${notAfter.toISOString()}: ` +
        'upload a valid one with xaps credential import',
    );
  }
}
