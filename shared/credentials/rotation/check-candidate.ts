import { inspectCertificate } from '../certificate-facts.js';
import type { StoredCredential } from '../stored-credential.js';
import { checkTokenIdentifiers, readTokenKey } from '../token-key.js';

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
  if (credential.kind === 'token-key') {
    readTokenKey(credential.keyPem, `the keyPem of ${origin}`);
    checkTokenIdentifiers(credential.keyId, credential.teamId);
    return;
  }

  const loaded = inspectCertificate(credential.certPem, credential.keyPem, {
    cert: `the certPem of ${origin}`,
    key: `the keyPem of ${origin}`,
  });
  if (loaded.topic !== credential.topic) {
    throw new Error(
      `the certificate in ${origin} is for topic '${loaded.topic}' but the version ` +
        `states topic '${credential.topic}': upload it again with xaps credential import`,
    );
  }
  if (loaded.notAfter.getTime() <= now.getTime()) {
    throw new Error(
      `the certificate in ${origin} expired on ${loaded.notAfter.toISOString()}: ` +
        'upload a valid one with xaps credential import',
    );
  }
}
