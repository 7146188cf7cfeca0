import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { serviceFacts, type XServerService } from './services.js';

/** A fresh private key and the certificate signing request made from it. */
export interface ServiceKey {
  service: XServerService;
  /** PKCS#8 PEM; it stays on this host and never enters a request or a log. */
  keyPem: string;
  csrPem: string;
}

/** RSA modulus size of every requested push certificate's key, in bits. */
export const XSERVER_KEY_BITS = 2048;

/**
 * Generates a 2048-bit RSA key with node:crypto (far faster than node-forge) and a CSR
 * for `service` with node-forge. The subject is the one macOS Server used and nothing
 * more: CN=<service key name>, C=US. The CSR is signed with SHA-1, like the
 * `openssl req -sha1` recipe of the macos-server-apns-certs project, because that
 * signature only proves possession of the key.
 */
export function createServiceKey(service: XServerService): ServiceKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: XSERVER_KEY_BITS });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);

  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  csr.setSubject([
    { name: 'commonName', value: serviceFacts(service).commonName },
    { name: 'countryName', value: 'US' },
  ]);
  csr.sign(forgeKey, forge.md.sha1.create());

  // node-forge writes CRLF line ends; OpenSSL, and so macOS Server, writes LF.
  const csrPem = forge.pki.certificationRequestToPem(csr).replace(/\r\n/g, '\n');
  return { service, keyPem, csrPem };
}
