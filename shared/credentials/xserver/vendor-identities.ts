import {
  createPrivateKey,
  type KeyObject,
  randomInt,
  X509Certificate,
} from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isPrivateKeyLabel, pemBlocks } from '../certificate-facts.js';
import { XServerError } from './errors.js';
import { buildChain, describeVendor, findLeaf } from './vendor-chain.js';

/**
 * A vendor certificate chain and its private key, which sign an XServer request.
 * macOS Server shipped several. The operator supplies them, and the project ships none.
 */
export interface VendorIdentity {
  /** The vendor certificate first, then each issuer found among the given files. */
  chain: X509Certificate[];
  privateKey: KeyObject;
  /** The vendor certificate's subject and the file of its key, for logs and errors. */
  label: string;
}

/** Extensions of the files read from a directory. Other files there are skipped. */
const PEM_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.key']);

interface PemPool {
  certificates: Array<{ certificate: X509Certificate; file: string }>;
  keys: Array<{ key: KeyObject; file: string }>;
}

/**
 * Loads vendor identities from PEM files and directories. Each file may contain
 * certificates, keys or both. Every key is paired with the certificate it belongs to,
 * and that certificate's issuers, from any of the files, complete its chain.
 * Validity dates are not checked, because the vendor certificates of macOS Server
 * expired in 2015 and Apple's service accepted them until it stopped serving the
 * route in 2024.
 */
export async function loadVendorIdentities(paths: string[]): Promise<VendorIdentity[]> {
  if (paths.length === 0) {
    throw new XServerError(
      'vendor-identity',
      'no vendor identity was given: name the PEM files (or a directory of them) that ' +
        "hold the vendor certificate chains and keys from the operator's macOS Server",
    );
  }

  const pool: PemPool = { certificates: [], keys: [] };
  for (const file of await expandPaths(paths)) {
    readPemFile(await readVendorFile(file), file, pool);
  }
  if (pool.keys.length === 0) {
    throw new XServerError(
      'vendor-identity',
      `no private key was found in ${paths.map((path) => `'${path}'`).join(', ')}: ` +
        'supply each vendor certificate chain together with its PEM private key',
    );
  }

  return pairIdentities(pool);
}

/**
 * Loads vendor identities from PEM text already in memory, such as the vendor PEM kept
 * with a stored XServer credential for renewal. `origin` replaces the file name in
 * errors and labels.
 */
export function vendorIdentitiesFromPem(text: string, origin: string): VendorIdentity[] {
  const pool: PemPool = { certificates: [], keys: [] };
  readPemFile(text, origin, pool);
  if (pool.keys.length === 0) {
    throw new XServerError(
      'vendor-identity',
      `no private key was found in ${origin}: store each vendor certificate chain ` +
        'together with its PEM private key',
    );
  }
  return pairIdentities(pool);
}

function pairIdentities(pool: PemPool): VendorIdentity[] {
  const certificates = pool.certificates.map((entry) => entry.certificate);
  const identities = new Map<string, VendorIdentity>();
  for (const { key, file } of pool.keys) {
    const leaf = findLeaf(certificates, key, file);
    identities.set(leaf.fingerprint256, {
      chain: buildChain(leaf, certificates),
      privateKey: key,
      label: `${describeVendor(leaf)} (key file '${file}')`,
    });
  }
  return [...identities.values()];
}

/** Picks one identity uniformly at random, as macOS Server did for each request. */
export function chooseVendorIdentity(
  identities: readonly VendorIdentity[],
  pick: (count: number) => number = randomInt,
): VendorIdentity {
  const identity =
    identities.length === 0 ? undefined : identities[pick(identities.length)];
  if (identity === undefined) {
    throw new XServerError('vendor-identity', 'no vendor identity to sign the request');
  }
  return identity;
}

async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new XServerError(
        'vendor-identity',
        `vendor identity path '${path}' could not be read (${error.code ?? error.message}): ` +
          'check the path and this process has read permission on it',
      );
    });
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter(
      (name) => !name.startsWith('.') && PEM_EXTENSIONS.has(extname(name).toLowerCase()),
    );
    files.push(...names.sort().map((name) => join(path, name)));
  }
  return files;
}

async function readVendorFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new XServerError(
      'vendor-identity',
      `vendor identity file '${file}' could not be read (${code ?? String(error)}): ` +
        'check that this process has read permission on it',
    );
  }
}

function readPemFile(text: string, file: string, pool: PemPool): void {
  const certificates = pemBlocks(text, (label) => label === 'CERTIFICATE');
  const keys = pemBlocks(text, isPrivateKeyLabel);
  if (certificates.length === 0 && keys.length === 0) {
    throw new XServerError(
      'vendor-identity',
      `vendor identity file '${file}' contains no PEM certificate or private key: ` +
        'convert the vendor certificate chain and key to PEM',
    );
  }

  for (const pem of certificates) {
    pool.certificates.push({ certificate: parseCertificate(pem, file), file });
  }
  for (const pem of keys) {
    pool.keys.push({ key: parseKey(pem, file), file });
  }
}

function parseCertificate(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new XServerError(
      'vendor-identity',
      `a certificate in vendor identity file '${file}' could not be parsed ` +
        `(${(error as Error).message}): export it again as PEM`,
    );
  }
}

function parseKey(pem: string, file: string): KeyObject {
  if (pem.startsWith('-----BEGIN ENCRYPTED') || pem.includes('Proc-Type: 4,ENCRYPTED')) {
    throw new XServerError(
      'vendor-identity',
      `the private key in vendor identity file '${file}' is encrypted: ` +
        'decrypt it (openssl pkey -in FILE -out FILE.pem) and keep the file mode 0600',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    // OpenSSL's message names the failing step and never echoes the key bytes.
    throw new XServerError(
      'vendor-identity',
      `the private key in vendor identity file '${file}' could not be read ` +
        `(${(error as Error).message}): export it again as a PEM private key`,
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new XServerError(
      'vendor-identity',
      `the private key in vendor identity file '${file}' is ${key.asymmetricKeyType ?? 'unknown'}, ` +
        'not RSA: the request signature is RSA PKCS#1 v1.5 with SHA-1',
    );
  }
  return key;
}
