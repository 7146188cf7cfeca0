import type { ApnsCredential } from '../apns/types.js';
import { inspectCertificate } from './certificate-facts.js';
import { apnsCredentialOf } from './model.js';
import type { StoredCredential } from './stored-credential.js';
import { checkTokenIdentifiers, readTokenKey } from './token-key.js';

/** A stored credential that passed its checks. */
export interface CheckedStoredCredential {
  credential: ApnsCredential;
  /** Expiry of a certificate; null for a token key, which does not expire. */
  notAfter: Date | null;
}

/** Wording of the topic-mismatch error: what states the topic, and what to do next. */
export interface TopicMismatchWording {
  /** E.g. "the secret" or "the version". */
  statedBy: string;
  advice: string;
}

/**
 * Checks a stored credential against its own facts. A certificate's key must belong to
 * it and its subject UID must be the stored topic. A token key must be an EC P-256 key
 * with well-formed key and team ids. Every error names `origin`, the secret version.
 */
export function checkStoredCredential(
  credential: StoredCredential,
  origin: string,
  mismatch: TopicMismatchWording,
): CheckedStoredCredential {
  if (credential.kind === 'token-key') {
    readTokenKey(credential.keyPem, `the keyPem of ${origin}`);
    checkTokenIdentifiers(credential.keyId, credential.teamId);
    return { credential: apnsCredentialOf(credential), notAfter: null };
  }

  const loaded = inspectCertificate(credential.certPem, credential.keyPem, {
    cert: `the certPem of ${origin}`,
    key: `the keyPem of ${origin}`,
  });
  if (loaded.topic !== credential.topic) {
    throw new Error(
      `the certificate in ${origin} is for topic '${loaded.topic}' but ` +
        `${mismatch.statedBy} states topic '${credential.topic}': ${mismatch.advice}`,
    );
  }
  return { credential: loaded.credential, notAfter: loaded.notAfter };
}
