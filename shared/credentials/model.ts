import type { ApnsCredential } from '../apns/types.js';
import type { CertificateEnvironment } from './certificate-facts.js';
import type { CredentialErrorCode } from './errors.js';
import type { CertificateSource } from './load-certificate.js';
import type { StoredCredential, StoredCredentialKind } from './stored-credential.js';

/**
 * The credential model shared by every credential kind: where a credential comes from,
 * what inspecting it reports, and how a stored credential becomes an APNs client
 * credential. The three kinds are an XServer certificate (topic
 * com.apple.mail.XServer.<GUID>), a developer certificate (any other topic, PEM pair or
 * PKCS#12) and a provider token key.
 */

/** A provider token key: Apple's .p8 file plus the identifiers the JWT carries. */
export interface TokenKeySource {
  format: 'p8';
  keyPath: string;
  /** The 10-character Key ID; read from an AuthKey_<KEYID>.p8 file name when omitted. */
  keyId?: string;
  /** The 10-character Team ID of the Apple developer account that owns the key. */
  teamId?: string;
  /** The apns-topic to push with; a token key does not name one itself. */
  topic?: string;
}

/** Any credential on disk: a PEM pair, a PKCS#12 file or a .p8 token key. */
export type CredentialSource = CertificateSource | TokenKeySource;

export type ProblemSeverity = 'error' | 'warning';

/** Problem codes: the load failures of CredentialError plus the checks of validate.ts. */
export type CredentialProblemCode =
  | CredentialErrorCode
  | 'not-yet-valid'
  | 'expired'
  | 'expires-soon'
  | 'topic-not-mail'
  | 'topic-too-short'
  | 'environment-unknown'
  | 'other-topics-undecodable'
  | 'key-not-p256'
  | 'key-id-invalid'
  | 'team-id-invalid'
  | 'topic-missing';

/** One finding about a credential; the message names the file and what to do. */
export interface CredentialProblem {
  severity: ProblemSeverity;
  code: CredentialProblemCode;
  message: string;
}

/** A topic from Apple's further-topics extension and the usages listed for it. */
export interface OtherTopic {
  topic: string;
  /** Usage strings such as "app", "voip" or "complication", as the certificate lists them. */
  usages: string[];
}

/**
 * The findings of inspectCredential(). Fields it could not read are null, and `problems`
 * explains why. The report never contains key material or a passphrase.
 */
export interface CredentialReport {
  /** The files read, in the order given. */
  files: string[];
  kind: StoredCredentialKind | null;
  topic: string | null;
  /** Topics of the further-topics extension other than `topic`. */
  otherTopics: OtherTopic[];
  /** Expiry of a certificate; null for a token key, which does not expire. */
  notAfter: Date | null;
  /** 'both' for a token key, which works against either APNs host. */
  environment: CertificateEnvironment | null;
  /** Key ID and Team ID of a token key; null for a certificate. */
  tokenKey: { keyId: string | null; teamId: string | null } | null;
  problems: CredentialProblem[];
}

/** Reports whether a credential can push: it has no error-severity problem. */
export function isUsable(report: CredentialReport): boolean {
  return !report.problems.some((problem) => problem.severity === 'error');
}

/** Topic prefix of Apple's XServer certificates: com.apple.mail.XServer.<GUID>. */
export const XSERVER_TOPIC_PREFIX = 'com.apple.mail.XServer.';

/**
 * Returns the kind a certificate topic implies. The kind decides renewal at the XServer
 * certificate service, so only that service's own prefix counts: iOS Mail accepts other
 * com.apple.mail.* topics too, but the service never issued those and cannot renew them.
 */
export function certificateKindOf(topic: string | null): StoredCredentialKind {
  return topic?.startsWith(XSERVER_TOPIC_PREFIX) === true
    ? 'xserver-certificate'
    : 'developer-certificate';
}

/** Builds the APNs client credential for a stored credential of any kind. */
export function apnsCredentialOf(stored: StoredCredential): ApnsCredential {
  if (stored.kind === 'token-key') {
    return {
      kind: 'token',
      keyPem: stored.keyPem,
      keyId: stored.keyId,
      teamId: stored.teamId,
    };
  }
  return { kind: 'certificate', certPem: stored.certPem, keyPem: stored.keyPem };
}
