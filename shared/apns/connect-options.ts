import type { SecureClientSessionOptions } from 'node:http2';
import { createSecureContext } from 'node:tls';
import type { ApnsCredential } from './types.js';

/** Trusted roots for the APNs server certificate; omit to use Node's built-in list. */
export type CaOption = string | Buffer | Array<string | Buffer>;

/**
 * Builds the TLS options of an APNs session for `credential`. A certificate credential
 * authenticates in the TLS handshake. A provider-token credential connects without a
 * client certificate and sends its JWT in an authorization header on each request.
 */
export function connectOptionsFor(
  credential: ApnsCredential,
  ca: CaOption | undefined,
): SecureClientSessionOptions {
  const options: SecureClientSessionOptions = { minVersion: 'TLSv1.2' };
  if (ca !== undefined) options.ca = ca;

  switch (credential.kind) {
    case 'certificate':
      checkCertificatePair(credential.certPem, credential.keyPem);
      return { ...options, cert: credential.certPem, key: credential.keyPem };
    case 'token':
      return options;
    default:
      return unsupportedCredential(credential);
  }
}

/** Fails early, at client creation, when the PEM pair cannot form a TLS identity. */
function checkCertificatePair(certPem: string, keyPem: string): void {
  try {
    createSecureContext({ cert: certPem, key: keyPem });
  } catch (error) {
    // OpenSSL's message names the failing check and never contains the key.
    throw new Error(
      `APNs client certificate or key is unusable (${(error as Error).message}): ` +
        'load the credential with loadCertificate() to find out which file is wrong',
    );
  }
}

function unsupportedCredential(credential: never): never {
  const kind = (credential as { kind?: unknown }).kind;
  throw new Error(`APNs credential kind '${String(kind)}' is not supported`);
}
