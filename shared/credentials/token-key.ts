import { createPrivateKey, type KeyObject } from 'node:crypto';
import { basename } from 'node:path';
import { isPrivateKeyLabel, pemBlocks } from './certificate-facts.js';
import { CredentialError } from './errors.js';
import { APPLE_ID_PATTERN } from './validate.js';

/** OpenSSL's name for NIST P-256, the curve ES256 signs on. */
const P256 = 'prime256v1';
/** Apple names a downloaded token key AuthKey_<KEYID>.p8. */
const AUTH_KEY_FILE_NAME = /^AuthKey_([A-Z0-9]{10})\.p8$/;

/**
 * Reads a provider token key (.p8): an unencrypted PKCS#8 PEM holding a P-256 EC
 * private key. Throws CredentialError 'not-pem' for unreadable content and
 * 'unsupported-key' for another key type or curve; messages never contain key bytes.
 */
export function readTokenKey(keyPem: string, origin: string): KeyObject {
  const block = pemBlocks(keyPem, isPrivateKeyLabel)[0];
  if (block === undefined) {
    throw new CredentialError(
      'not-pem',
      `${origin} contains no PEM private key (-----BEGIN PRIVATE KEY-----): supply the ` +
        ".p8 file downloaded from Apple's developer portal",
    );
  }

  let key: KeyObject;
  try {
    key = createPrivateKey(block);
  } catch (error) {
    // OpenSSL's message names the failing step and never echoes the key bytes.
    throw new CredentialError(
      'not-pem',
      `the private key in ${origin} could not be read (${(error as Error).message}): ` +
        "supply the unencrypted .p8 file downloaded from Apple's developer portal",
    );
  }

  const found = describeKey(key);
  if (found !== 'EC P-256') {
    throw new CredentialError(
      'unsupported-key',
      `the key in ${origin} is ${found}, not EC P-256: APNs provider tokens are signed ` +
        "with ES256, which needs the P-256 key (.p8) from Apple's developer portal",
    );
  }
  return key;
}

/** Returns the Key ID in an AuthKey_<KEYID>.p8 file name, or undefined. */
export function keyIdFromFileName(path: string): string | undefined {
  return AUTH_KEY_FILE_NAME.exec(basename(path))?.[1];
}

/** Throws unless `keyId` and `teamId` have the form of Apple's identifiers. */
export function checkTokenIdentifiers(keyId: string, teamId: string): void {
  if (!APPLE_ID_PATTERN.test(keyId)) {
    throw new CredentialError(
      'unsupported-key',
      `APNs token key id '${keyId}' is invalid: use the 10-character Key ID (A-Z, 0-9) ` +
        "shown for the key in Apple's developer portal",
    );
  }
  if (!APPLE_ID_PATTERN.test(teamId)) {
    throw new CredentialError(
      'unsupported-key',
      `APNs team id '${teamId}' is invalid: use the 10-character Team ID (A-Z, 0-9) ` +
        'of the Apple developer account that created the key',
    );
  }
}

function describeKey(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails;
  if (type === 'ec') {
    return details?.namedCurve === P256 ? 'EC P-256' : `EC ${details?.namedCurve}`;
  }
  if (details?.modulusLength !== undefined) {
    return `${type.toUpperCase()} ${details.modulusLength}-bit`;
  }
  return type.toUpperCase();
}
