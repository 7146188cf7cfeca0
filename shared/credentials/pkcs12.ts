import forge from 'node-forge';
import { CredentialError } from './errors.js';

/** The PEM texts inside a PKCS#12 file: the leaf certificate first, then any chain. */
export interface Pkcs12Contents {
  certPem: string;
  keyPem: string;
}

type Bag = forge.pkcs12.Bag;

/**
 * Converts a PKCS#12 file to PEM with node-forge, which reads both the legacy RC2/3DES
 * encryption of older Keychain exports and the AES encryption of OpenSSL 3. Node's own
 * `tls.createSecureContext({ pfx })` rejects the legacy form ("Unsupported PKCS12 PFX
 * data") because OpenSSL 3 moved those ciphers to its legacy provider.
 */
export function pkcs12ToPem(
  der: Buffer,
  passphrase: string,
  origin: string,
): Pkcs12Contents {
  const pkcs12 = openPkcs12(der, passphrase, origin);
  const keyBag =
    firstBag(pkcs12, forge.pki.oids.pkcs8ShroudedKeyBag ?? '') ??
    firstBag(pkcs12, forge.pki.oids.keyBag ?? '');
  const certBags = allBags(pkcs12, forge.pki.oids.certBag ?? '');

  if (keyBag?.key === undefined || keyBag.key === null) {
    throw new CredentialError(
      'not-pkcs12',
      `${origin} holds no private key: export the certificate together with its key`,
    );
  }
  const certificates = certBags.flatMap((bag) => (bag.cert ? [bag.cert] : []));
  if (certificates.length === 0) {
    throw new CredentialError(
      'not-pkcs12',
      `${origin} holds no certificate: export the push certificate with its key`,
    );
  }

  const key = keyBag.key as forge.pki.rsa.PrivateKey;
  const ordered = leafFirst(certificates, key);
  return {
    certPem: ordered.map((cert) => forge.pki.certificateToPem(cert)).join(''),
    keyPem: forge.pki.privateKeyToPem(key),
  };
}

function openPkcs12(
  der: Buffer,
  passphrase: string,
  origin: string,
): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(der.toString('binary'));
  } catch {
    throw new CredentialError(
      'not-pkcs12',
      `${origin} is not a PKCS#12 (.p12) file: export the certificate and key as .p12, ` +
        'or load them as PEM files',
    );
  }

  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, passphrase);
  } catch (error) {
    const message = (error as Error).message;
    // node-forge reports a failed MAC check when the passphrase is wrong.
    if (/MAC could not be verified|Invalid password/i.test(message)) {
      throw new CredentialError(
        'wrong-passphrase',
        `${origin} could not be decrypted with the given passphrase: supply the ` +
          'passphrase that was set when the .p12 file was exported',
      );
    }
    throw new CredentialError(
      'not-pkcs12',
      `${origin} could not be read as PKCS#12 (${message}): export it again as .p12`,
    );
  }
}

function allBags(pkcs12: forge.pkcs12.Pkcs12Pfx, bagType: string): Bag[] {
  return pkcs12.getBags({ bagType })[bagType] ?? [];
}

function firstBag(pkcs12: forge.pkcs12.Pkcs12Pfx, bagType: string): Bag | undefined {
  return allBags(pkcs12, bagType)[0];
}

/** Puts the certificate whose public key matches `key` first; the others follow as chain. */
function leafFirst(
  certificates: forge.pki.Certificate[],
  key: forge.pki.rsa.PrivateKey,
): forge.pki.Certificate[] {
  const matches = (cert: forge.pki.Certificate): boolean => {
    const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n?.equals(key.n) === true && publicKey.e?.equals(key.e) === true;
  };
  const leaf = certificates.find(matches);
  if (leaf === undefined) return certificates;
  return [leaf, ...certificates.filter((cert) => cert !== leaf)];
}
