import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import type { TestIdentity } from './pki.js';

/**
 * A throwaway stand-in for the vendor PKI of macOS Server: a root CA, an intermediate
 * CA and a vendor certificate with its key. macOS Server's vendor chain had the same
 * three levels, a 1024-bit vendor key, and a vendor certificate that expired in 2015.
 */
export interface VendorPki {
  root: CaIdentity;
  intermediate: CaIdentity;
  vendor: TestIdentity;
  /** Vendor certificate, intermediate, root: the order the client sends. */
  chainPem: string;
}

export interface CaIdentity extends TestIdentity {
  certificate: forge.pki.Certificate;
  privateKey: forge.pki.rsa.PrivateKey;
}

export interface VendorPkiOptions {
  /** Issues the vendor certificate with validity 2010 to 2015, as macOS Server's was. */
  expired?: boolean;
  /** Vendor key size; default 1024, as macOS Server's. */
  vendorKeyBits?: number;
  /** Root CA to issue under; default a new one. */
  root?: CaIdentity;
}

/** Creates a vendor root CA, an intermediate CA and a vendor identity. */
export function createVendorPki(options: VendorPkiOptions = {}): VendorPki {
  const root = options.root ?? createCa('xaps test vendor root CA', undefined);
  const intermediate = createCa('xaps test vendor intermediate CA', root);
  const vendor = issueVendorCertificate(intermediate, options);
  return {
    root,
    intermediate,
    vendor,
    chainPem: vendor.certPem + intermediate.certPem + root.certPem,
  };
}

/** Writes the chain and the key into one PEM file and returns its path. */
export async function writeVendorFile(
  dir: string,
  pki: VendorPki,
  name = 'vendor.pem',
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, pki.chainPem + pki.vendor.keyPem, { mode: 0o600 });
  return path;
}

function rsaKeyPem(bits: number): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function createCa(commonName: string, issuer: CaIdentity | undefined): CaIdentity {
  const keyPem = rsaKeyPem(2048);
  const privateKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const certificate = newCertificate(privateKey, daysFromNow(-1), daysFromNow(30));
  const subject = [{ name: 'commonName', value: commonName }];

  certificate.setSubject(subject);
  certificate.setIssuer(
    issuer === undefined ? subject : issuer.certificate.subject.attributes,
  );
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  certificate.sign(issuer?.privateKey ?? privateKey, forge.md.sha256.create());
  return { certificate, privateKey, certPem: toPem(certificate), keyPem };
}

function issueVendorCertificate(
  issuer: CaIdentity,
  options: VendorPkiOptions,
): TestIdentity {
  const keyPem = rsaKeyPem(options.vendorKeyBits ?? 1024);
  const privateKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const expired = options.expired === true;
  const certificate = newCertificate(
    privateKey,
    expired ? new Date('2010-10-20T00:00:05Z') : daysFromNow(-1),
    expired ? new Date('2015-10-19T00:00:05Z') : daysFromNow(30),
  );

  certificate.setSubject([
    { name: 'countryName', value: 'US' },
    { name: 'organizationName', value: 'xaps test vendor' },
    { name: 'commonName', value: `APN-Server.test-${randomBytes(4).toString('hex')}` },
  ]);
  certificate.setIssuer(issuer.certificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, critical: true },
  ]);
  certificate.sign(issuer.privateKey, forge.md.sha1.create());
  return { certPem: toPem(certificate), keyPem };
}

function newCertificate(
  key: forge.pki.rsa.PrivateKey,
  notBefore: Date,
  notAfter: Date,
): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // A leading 01 byte keeps the DER INTEGER positive.
  certificate.serialNumber = `01${randomBytes(8).toString('hex')}`;
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  return certificate;
}

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}

/** Writes PEM with LF line ends, as OpenSSL does; node-forge writes CRLF. */
function toPem(certificate: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(certificate).replace(/\r\n/g, '\n');
}
