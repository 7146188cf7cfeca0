/** Failure kinds of certificate loading, for callers that branch on them. */
export type CredentialErrorCode =
  | 'file-missing'
  | 'file-unreadable'
  | 'not-pem'
  | 'not-pkcs12'
  | 'wrong-passphrase'
  | 'passphrase-required'
  | 'unsupported-certificate'
  | 'unsupported-key'
  | 'no-topic'
  | 'topic-invalid'
  | 'key-mismatch';

/**
 * A push credential that cannot be used. The message names the file and what to do;
 * it never contains key material or a passphrase.
 */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';

  constructor(
    readonly code: CredentialErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
