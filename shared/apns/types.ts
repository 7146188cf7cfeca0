/** APNs hosts from Apple's provider API documentation. */
export const APNS_PRODUCTION = 'https://api.push.apple.com';
export const APNS_SANDBOX = 'https://api.sandbox.push.apple.com';

/** A TLS client certificate credential in PEM form. */
export interface CertificateCredential {
  kind: 'certificate';
  certPem: string;
  keyPem: string;
}

/**
 * A provider token key (.p8, ES256): the client connects without a client certificate
 * and sends a JWT signed with this key in the authorization header of every request.
 */
export interface TokenCredential {
  kind: 'token';
  /** The .p8 file's PKCS#8 PEM: a P-256 EC private key. */
  keyPem: string;
  /** The 10-character Key ID, sent as the JWT header's kid. */
  keyId: string;
  /** The 10-character Team ID, sent as the JWT claim iss. */
  teamId: string;
}

export type ApnsCredential = CertificateCredential | TokenCredential;

/** One mail push: the payload is always {"aps":{"account-id":accountId}}. */
export interface PushRequest {
  deviceToken: string;
  topic: string;
  accountId: string;
  collapseId?: string;
}

/** The meaning of an APNs response for the caller. Timestamps are epoch ms. */
export type PushOutcome =
  | { kind: 'delivered'; status: 200; apnsId: string }
  | { kind: 'token-dead'; status: 400 | 410; reason: string; timestamp?: number }
  | { kind: 'topic-mismatch'; status: 400; reason: string }
  | { kind: 'credential-rejected'; status: 403; reason: string }
  | { kind: 'retryable'; status?: number; reason: string }
  | { kind: 'other'; status?: number; reason: string };

export interface PushSender {
  push(request: PushRequest): Promise<PushOutcome>;
  close(): Promise<void>;
}
