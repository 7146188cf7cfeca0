/**
 * The credential as stored in one Secrets Manager secret (JSON in SecretString).
 * `formatVersion` changes only when a reader of the old shape would misread the new one;
 * readers reject versions they do not know rather than guess.
 */
export const STORED_CREDENTIAL_FORMAT_VERSION = 1;

export type ApnsEnvironmentName = 'production' | 'sandbox';

/** Facts every kind shares. Dates are ISO 8601 strings. */
interface StoredCredentialBase {
  formatVersion: typeof STORED_CREDENTIAL_FORMAT_VERSION;
  /** The apns-topic every push uses and devices receive at registration. */
  topic: string;
  /** APNs host the credential is meant for. */
  environment: ApnsEnvironmentName;
  /** When the credential stops working; null for a token key, which does not expire. */
  notAfter: string | null;
  /** When this version was stored. */
  storedAt: string;
}

/** A developer certificate (com.apple.mobilemail.push.*) exported by the operator. */
export interface StoredDeveloperCertificate extends StoredCredentialBase {
  kind: 'developer-certificate';
  certPem: string;
  keyPem: string;
}

/**
 * An XServer certificate (com.apple.mail.XServer.*) from Apple's certificate service.
 * `xserver` contains what a renewal needs besides the certificate itself.
 */
export interface StoredXServerCertificate extends StoredCredentialBase {
  kind: 'xserver-certificate';
  certPem: string;
  keyPem: string;
  /** Serial number of the certificate in lower-case hex, sent on renewal. */
  serialNumber: string;
  xserver?: Record<string, string>;
}

/** A provider token key (.p8, ES256) with the identifiers the JWT needs. */
export interface StoredTokenKey extends StoredCredentialBase {
  kind: 'token-key';
  /** The .p8 file's PKCS#8 PEM. */
  keyPem: string;
  keyId: string;
  teamId: string;
}

export type StoredCredential =
  | StoredDeveloperCertificate
  | StoredXServerCertificate
  | StoredTokenKey;

export type StoredCredentialKind = StoredCredential['kind'];

/** Every credential kind, in the order error messages list them. */
export const STORED_CREDENTIAL_KINDS: readonly StoredCredentialKind[] = [
  'developer-certificate',
  'xserver-certificate',
  'token-key',
];

/**
 * The public facts of the credential in use, kept as one DynamoDB item beside the
 * registrations so the shim on the IMAP host never needs to read the private key.
 */
export interface CredentialConfig {
  topic: string;
  kind: StoredCredentialKind;
  environment: ApnsEnvironmentName;
  /** ISO 8601, or null for a token key. */
  notAfter: string | null;
  /** Secrets Manager version id the facts were read from. */
  secretVersionId: string;
  updatedAt: string;
  /** Set while APNs refuses this credential itself: pushes stop until it is cleared. */
  block?: CredentialBlock;
}

/** Why pushes stopped: APNs refused the credential of one secret version. */
export interface CredentialBlock {
  /** The APNs reason, such as BadCertificate or InvalidProviderToken. */
  reason: string;
  /** ISO 8601 time the block was set. */
  at: string;
  /** The secret version APNs refused. */
  versionId: string;
}

/** Primary key of the credential config item in the registrations table. */
export const CREDENTIAL_CONFIG_KEY = { pk: 'CONFIG#credential', sk: 'CONFIG#credential' };
