import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CredentialFiles } from './config.js';

/** Folder in the data directory that `xaps credential import` writes in local mode. */
export const IMPORTED_CREDENTIAL_DIR = 'credential';
export const IMPORTED_CERT_FILE = 'apns-cert.pem';
export const IMPORTED_KEY_FILE = 'apns-key.pem';

/** Paths of the imported certificate and key below `dataDir`. */
export function importedCredentialPaths(dataDir: string): {
  certPath: string;
  keyPath: string;
} {
  const dir = join(dataDir, IMPORTED_CREDENTIAL_DIR);
  return {
    certPath: join(dir, IMPORTED_CERT_FILE),
    keyPath: join(dir, IMPORTED_KEY_FILE),
  };
}

/**
 * Returns the credential files `xaps credential import` wrote into the data directory,
 * or undefined when there are none. The local mode uses them when no XAPS_APNS_* file is set.
 */
export function importedCredentialFiles(dataDir: string): CredentialFiles | undefined {
  const { certPath, keyPath } = importedCredentialPaths(dataDir);
  if (!existsSync(certPath) || !existsSync(keyPath)) return undefined;
  return { kind: 'pem', certPath, keyPath };
}

/**
 * Writes a certificate (PEM, chain included) and its unencrypted key into the data
 * directory: the folder mode 0700, the key 0600. Each file is written under a temporary
 * name and renamed, so a reader sees the old file or the new one, never half of one.
 */
export async function writeImportedCredential(
  dataDir: string,
  certPem: string,
  keyPem: string,
): Promise<{ certPath: string; keyPath: string }> {
  const paths = importedCredentialPaths(dataDir);
  await mkdir(join(dataDir, IMPORTED_CREDENTIAL_DIR), { recursive: true, mode: 0o700 });
  await replaceFile(paths.keyPath, keyPem, 0o600);
  await replaceFile(paths.certPath, certPem, 0o644);
  return paths;
}

async function replaceFile(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}
