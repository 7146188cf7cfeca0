import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { CertificateCredential } from '../apns/types.js';
import { CredentialError } from './errors.js';
import { topicSyntaxProblem } from './validate.js';

/** Subject UID attribute (RFC 4519 "uid"): APNs takes the push topic from it. */
export const SUBJECT_UID_OID = '0.9.2342.19200300.100.1.1';
/** Apple's marker extensions for the development (sandbox) and production APNs hosts. */
export const APPLE_SANDBOX_OID = '1.2.840.113635.100.6.3.1';
export const APPLE_PRODUCTION_OID = '1.2.840.113635.100.6.3.2';

export type CertificateEnvironment = 'production' | 'sandbox' | 'both' | 'unknown';

/** A usable push certificate and the public facts read from it. */
export interface LoadedCertificate {
  credential: CertificateCredential;
  /** The subject UID, sent as apns-topic and returned to devices at registration. */
  topic: string;
  notAfter: Date;
  environment: CertificateEnvironment;
}

/** Descriptions of the PEM sources, such as "key file '/etc/x.pem'", for error messages. */
export interface PemOrigin {
  cert: string;
  key: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;
const KEY_LABELS = new Set([
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
]);

/**
 * Returns the PEM blocks of `text` whose label is accepted by `wanted`, in file order,
 * with LF line ends and a final newline.
 */
export function pemBlocks(text: string, wanted: (label: string) => boolean): string[] {
  const blocks: string[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    if (wanted(match[1] ?? '')) blocks.push(`${match[0].replace(/\r\n/g, '\n')}\n`);
  }
  return blocks;
}

export function isPrivateKeyLabel(label: string): boolean {
  return KEY_LABELS.has(label);
}

/**
 * Reads the topic, expiry and environment of a push certificate and checks that the
 * key belongs to it. `certPem` may carry a chain: the first certificate is the leaf.
 * `keyPem` may be encrypted when `keyPassphrase` is given; the credential contains
 * it decrypted as PKCS#8.
 */
export function inspectCertificate(
  certPem: string,
  keyPem: string,
  origin: PemOrigin,
  keyPassphrase?: string,
): LoadedCertificate {
  const certificates = pemBlocks(certPem, (label) => label === 'CERTIFICATE');
  const leafPem = certificates[0];
  if (leafPem === undefined) {
    throw new CredentialError(
      'not-pem',
      `${origin.cert} contains no PEM certificate (-----BEGIN CERTIFICATE-----): ` +
        'export the push certificate as PEM, or load the .p12 file as PKCS#12',
    );
  }

  const privateKey = readPrivateKey(keyPem, origin.key, keyPassphrase);
  const leaf = parseLeaf(leafPem, origin.cert);
  if (!new X509Certificate(leafPem).checkPrivateKey(privateKey)) {
    throw new CredentialError(
      'key-mismatch',
      `the private key in ${origin.key} does not belong to the certificate in ` +
        `${origin.cert}: supply the key that the certificate was issued for`,
    );
  }

  return {
    credential: {
      kind: 'certificate',
      certPem: certificates.join(''),
      keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    topic: subjectUid(leaf, origin.cert),
    notAfter: leaf.validity.notAfter,
    environment: environmentOf(leaf),
  };
}

/** Reads the environment from Apple's marker extensions. */
export function environmentOf(
  certificate: forge.pki.Certificate,
): CertificateEnvironment {
  const ids = new Set(
    certificate.extensions.map((extension: { id?: string }) => extension.id),
  );
  const sandbox = ids.has(APPLE_SANDBOX_OID);
  const production = ids.has(APPLE_PRODUCTION_OID);

  if (sandbox && production) return 'both';
  if (production) return 'production';
  if (sandbox) return 'sandbox';
  return 'unknown';
}

/** Reads the first PEM private key of `keyPem`; throws CredentialError naming `origin`. */
export function readPrivateKey(
  keyPem: string,
  origin: string,
  passphrase?: string,
): KeyObject {
  const keyBlock = pemBlocks(keyPem, isPrivateKeyLabel)[0];
  if (keyBlock === undefined) {
    throw new CredentialError(
      'not-pem',
      `${origin} contains no PEM private key (-----BEGIN PRIVATE KEY-----): ` +
        'export the private key as PEM, or load the .p12 file as PKCS#12',
    );
  }

  const encrypted =
    keyBlock.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----') ||
    keyBlock.includes('Proc-Type: 4,ENCRYPTED');
  if (encrypted && passphrase === undefined) {
    throw new CredentialError(
      'passphrase-required',
      `the private key in ${origin} is encrypted: supply its passphrase`,
    );
  }

  try {
    return createPrivateKey(
      passphrase === undefined ? keyBlock : { key: keyBlock, passphrase },
    );
  } catch (error) {
    throw keyReadError(error, origin, encrypted);
  }
}

function keyReadError(error: unknown, origin: string, encrypted: boolean): Error {
  if (encrypted) {
    return new CredentialError(
      'wrong-passphrase',
      `the private key in ${origin} could not be decrypted: check its passphrase`,
    );
  }
  // OpenSSL's message names the failing step and never echoes the key bytes.
  return new CredentialError(
    'not-pem',
    `the private key in ${origin} could not be read (${(error as Error).message}): ` +
      'export it again as an unencrypted PEM private key',
  );
}

/** Parses a PEM certificate with node-forge; throws CredentialError naming `origin`. */
export function parseLeaf(leafPem: string, origin: string): forge.pki.Certificate {
  try {
    return forge.pki.certificateFromPem(leafPem);
  } catch (error) {
    // node-forge parses RSA certificates only; APNs issues RSA push certificates.
    throw new CredentialError(
      'unsupported-certificate',
      `the certificate in ${origin} could not be parsed (${(error as Error).message}): ` +
        'APNs push certificates carry an RSA key; supply the certificate Apple issued',
    );
  }
}

/**
 * Returns the subject UID (the topic); throws CredentialError 'no-topic' when absent
 * and 'topic-invalid' when it contains a space or control character.
 */
export function subjectUid(certificate: forge.pki.Certificate, origin: string): string {
  const field = certificate.subject.getField({ type: SUBJECT_UID_OID });
  const value: unknown = field?.value;
  if (typeof value !== 'string' || value === '') {
    throw new CredentialError(
      'no-topic',
      `the certificate in ${origin} has no subject UID (OID ${SUBJECT_UID_OID}), ` +
        'which APNs reads the push topic from: supply an Apple push certificate',
    );
  }
  const problem = topicSyntaxProblem(value, `the certificate in ${origin}`);
  if (problem !== undefined) {
    throw new CredentialError('topic-invalid', problem.message);
  }
  return value;
}
