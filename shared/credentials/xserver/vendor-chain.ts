import type { KeyObject, X509Certificate } from 'node:crypto';
import { XServerError } from './errors.js';

/** Maximum length of a vendor chain. macOS Server's chain had three certificates. */
const MAX_CHAIN_LENGTH = 8;

/** Returns the certificate that `key` belongs to, or throws naming the key's file. */
export function findLeaf(
  certificates: readonly X509Certificate[],
  key: KeyObject,
  file: string,
): X509Certificate {
  const leaf = certificates.find((certificate) => certificate.checkPrivateKey(key));
  if (leaf === undefined) {
    throw new XServerError(
      'vendor-identity',
      `the private key in vendor identity file '${file}' belongs to none of the ` +
        'certificates given: supply the vendor certificate issued for that key',
    );
  }
  return leaf;
}

/**
 * Orders the chain from `leaf` up: each next certificate is the one that issued and
 * signed the previous, up to a self-signed root or the last issuer supplied.
 */
export function buildChain(
  leaf: X509Certificate,
  certificates: readonly X509Certificate[],
): X509Certificate[] {
  const chain = [leaf];
  let current = leaf;

  while (chain.length < MAX_CHAIN_LENGTH && !isSelfSigned(current)) {
    const subject = current;
    const issuer = certificates.find(
      (candidate) =>
        !chain.includes(candidate) &&
        subject.checkIssued(candidate) &&
        subject.verify(candidate.publicKey),
    );
    if (issuer === undefined) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

/** Returns the vendor certificate's subject on one line, such as "CN=APN-Server…". */
export function describeVendor(certificate: X509Certificate): string {
  return certificate.subject.split('\n').join(', ');
}

function isSelfSigned(certificate: X509Certificate): boolean {
  return (
    certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey)
  );
}
