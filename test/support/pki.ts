import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { type OtherTopicEntry, topicsExtension } from './pki-apple.js';

export {
  APPLE_TOPICS_EXTENSION_OID,
  generateTokenKey,
  type OtherTopicEntry,
  type TestTokenKey,
} from './pki-apple.js';

/** Subject UID attribute (RFC 4519 "uid"): APNs reads the push topic from it. */
export const SUBJECT_UID_OID = '0.9.2342.19200300.100.1.1';
/** Apple's certificate extensions that mark the sandbox and production environments. */
export const APPLE_SANDBOX_EXTENSION_OID = '1.2.840.113635.100.6.3.1';
export const APPLE_PRODUCTION_EXTENSION_OID = '1.2.840.113635.100.6.3.2';

/** A certificate and its private key, both PEM. */
export interface TestIdentity {
  certPem: string;
  keyPem: string;
}

/** A throwaway certificate authority that signs the server and client certificates. */
export interface TestCa extends TestIdentity {
  certificate: forge.pki.Certificate;
  privateKey: forge.pki.rsa.PrivateKey;
}

export interface PushIdentity extends TestIdentity {
  /** The subject UID, or undefined when the certificate was issued without one. */
  topic: string | undefined;
}

export type TestEnvironment = 'production' | 'sandbox' | 'both' | 'none';
export interface PushCertificateOptions {
  /** Subject UID; default a fresh xserverTopic(). */
  topic?: string;
  /** Issues the certificate without a subject UID, to test the loader's error. */
  omitUid?: boolean;
  environment?: TestEnvironment;
  validDays?: number;
  /** Exact validity period; overrides validDays, e.g. for an expired certificate. */
  validity?: { notBefore: Date; notAfter: Date };
  /** Entries of the further-topics extension, encoded as Apple's certificates do. */
  otherTopics?: OtherTopicEntry[];
  /** Raw DER of the further-topics extension, to test content that cannot be decoded. */
  topicsExtensionDer?: Buffer;
}

/** Everything one test file needs: a CA, a loopback server identity and a push identity. */
export interface TestPki {
  ca: TestCa;
  server: TestIdentity;
  client: PushIdentity;
}

/**
 * Returns an XServer-style topic of 69 bytes: over the 51 bytes Dovecot's 2.3 xaps
 * plugin needs, and over 64 so that no code may assume the X.509 common-name bound.
 */
export function xserverTopic(): string {
  return `com.apple.mail.XServer.${randomUUID()}.xaps-test`;
}

/** Generates a 2048-bit RSA key with node:crypto, which is far faster than node-forge. */
export function generateRsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Creates a self-signed CA valid for 30 days. */
export function createTestCa(commonName = 'xaps test CA'): TestCa {
  const keyPem = generateRsaKeyPem();
  const privateKey = forge.pki.privateKeyFromPem(keyPem);
  const certificate = newCertificate(keyPem, 30);
  const subject = [{ name: 'commonName', value: commonName }];

  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  certificate.sign(privateKey, forge.md.sha256.create());

  return { certificate, privateKey, certPem: certificateToPem(certificate), keyPem };
}

/** Issues a TLS server certificate for 127.0.0.1, ::1 and localhost. */
export function issueServerCertificate(ca: TestCa): TestIdentity {
  const keyPem = generateRsaKeyPem();
  const certificate = newCertificate(keyPem, 30);

  certificate.setSubject([{ name: 'commonName', value: 'localhost' }]);
  certificate.setIssuer(ca.certificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  certificate.sign(ca.privateKey, forge.md.sha256.create());

  return { certPem: certificateToPem(certificate), keyPem };
}

/** Issues a push client certificate shaped like Apple's: the topic is the subject UID. */
export function issuePushCertificate(
  ca: TestCa,
  options: PushCertificateOptions = {},
  keyPem: string = generateRsaKeyPem(),
): PushIdentity {
  const topic = options.omitUid === true ? undefined : (options.topic ?? xserverTopic());
  const certificate = newCertificate(keyPem, options.validDays ?? 365, options.validity);
  const subject: forge.pki.CertificateField[] = [
    { name: 'commonName', value: 'Apple Push Services test certificate' },
    { name: 'countryName', value: 'US' },
  ];
  if (topic !== undefined) {
    // Apple encodes the UID as a UTF8String; the forge typings mistype the tag as a Class.
    subject.unshift({
      type: SUBJECT_UID_OID,
      value: topic,
      valueTagClass: forge.asn1.Type.UTF8 as number as forge.asn1.Class,
    });
  }

  certificate.setSubject(subject);
  certificate.setIssuer(ca.certificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
    ...environmentExtensions(options.environment ?? 'production'),
    ...topicsExtension(options),
  ]);
  certificate.sign(ca.privateKey, forge.md.sha256.create());

  return { certPem: certificateToPem(certificate), keyPem, topic };
}

/** Creates a CA, a loopback server certificate and a push client certificate. */
export function createTestPki(options: PushCertificateOptions = {}): TestPki {
  const ca = createTestCa();
  return {
    ca,
    server: issueServerCertificate(ca),
    client: issuePushCertificate(ca, options),
  };
}

/** Writes PEM with LF line ends, as OpenSSL does; node-forge writes CRLF. */
function certificateToPem(certificate: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(certificate).replace(/\r\n/g, '\n');
}

function newCertificate(
  keyPem: string,
  validDays: number,
  validity?: { notBefore: Date; notAfter: Date },
): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  const privateKey = forge.pki.privateKeyFromPem(keyPem);
  const notBefore = validity?.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter =
    validity?.notAfter ?? new Date(notBefore.getTime() + validDays * 86_400_000);

  certificate.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  // A leading 01 byte keeps the DER INTEGER positive.
  certificate.serialNumber = `01${randomBytes(8).toString('hex')}`;
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  return certificate;
}

const ENVIRONMENT_OIDS: Record<TestEnvironment, string[]> = {
  production: [APPLE_PRODUCTION_EXTENSION_OID],
  sandbox: [APPLE_SANDBOX_EXTENSION_OID],
  both: [APPLE_SANDBOX_EXTENSION_OID, APPLE_PRODUCTION_EXTENSION_OID],
  none: [],
};

function environmentExtensions(environment: TestEnvironment): object[] {
  // Apple's marker extensions carry a DER NULL (05 00) as their value.
  return ENVIRONMENT_OIDS[environment].map((id) => ({ id, value: '\x05\x00' }));
}

/** A temporary directory under os.tmpdir() and the function that deletes it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export async function createTempDir(prefix = 'xaps-pki-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `<name>.crt.pem` and `<name>.key.pem` and returns their paths. */
export async function writePemFiles(
  dir: string,
  identity: TestIdentity,
  name = 'push',
): Promise<{ certPath: string; keyPath: string }> {
  const certPath = join(dir, `${name}.crt.pem`);
  const keyPath = join(dir, `${name}.key.pem`);
  await writeFile(certPath, identity.certPem);
  await writeFile(keyPath, identity.keyPem, { mode: 0o600 });
  return { certPath, keyPath };
}

/** Writes a PKCS#12 file encrypted with PBES2 AES-256-CBC, which OpenSSL 3 reads. */
export async function writeModernPkcs12(
  dir: string,
  identity: TestIdentity,
  passphrase: string,
  name = 'push-modern.p12',
): Promise<string> {
  const path = join(dir, name);
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(identity.keyPem),
    forge.pki.certificateFromPem(identity.certPem),
    passphrase,
    { algorithm: 'aes256' },
  );
  await writeFile(path, Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
  return path;
}

/** Reports whether the openssl command-line tool can run here. */
export function opensslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Writes a PKCS#12 file with the legacy RC2-40 and 3DES encryption that older macOS
 * Keychain exports use, through `openssl pkcs12 -export -legacy`. Throws when the
 * openssl command is missing or lacks the legacy provider.
 */
export async function writeLegacyPkcs12(
  dir: string,
  identity: TestIdentity,
  passphrase: string,
  name = 'push-legacy.p12',
): Promise<string> {
  const { certPath, keyPath } = await writePemFiles(dir, identity, 'legacy-source');
  const path = join(dir, name);
  // The passphrase goes through the environment so it never shows in a process list.
  const args = ['pkcs12', '-export', '-legacy', '-in', certPath, '-inkey', keyPath];
  args.push('-out', path, '-passout', 'env:XAPS_TEST_P12_PASS');
  execFileSync('openssl', args, {
    env: { ...process.env, XAPS_TEST_P12_PASS: passphrase },
    stdio: 'pipe',
  });
  await Promise.all([rm(certPath), rm(keyPath)]);
  return path;
}
