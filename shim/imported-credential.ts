import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CredentialError } from '../shared/credentials/errors.js';
import type { CredentialFiles, TokenKeyFiles } from './config.js';

/** Folder in the data directory that `xaps credential import` writes in local mode. */
export const IMPORTED_CREDENTIAL_DIR = 'credential';
export const IMPORTED_CERT_FILE = 'apns-cert.pem';
export const IMPORTED_KEY_FILE = 'apns-key.pem';
export const IMPORTED_TOKEN_KEY_FILE = 'apns-token-key.p8';
/** JSON with the keyId, teamId and topic of the imported token key. */
export const IMPORTED_TOKEN_SETTINGS_FILE = 'apns-token.json';

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

/** Paths of the imported token key and its settings file below `dataDir`. */
export function importedTokenKeyPaths(dataDir: string): {
  keyPath: string;
  settingsPath: string;
} {
  const dir = join(dataDir, IMPORTED_CREDENTIAL_DIR);
  return {
    keyPath: join(dir, IMPORTED_TOKEN_KEY_FILE),
    settingsPath: join(dir, IMPORTED_TOKEN_SETTINGS_FILE),
  };
}

/**
 * Returns the credential files `xaps credential import` wrote into the data directory,
 * or undefined when there are none. The local mode uses them when no XAPS_APNS_* file
 * is set. An import removes the other kind's files, and should both remain (an import
 * cut short), the one written last wins.
 */
export function importedCredentialFiles(dataDir: string): CredentialFiles | undefined {
  const certificate = importedCredentialPaths(dataDir);
  const token = importedTokenKeyPaths(dataDir);
  const certificateAt = writtenAt(certificate.certPath, certificate.keyPath);
  const tokenAt = writtenAt(token.keyPath, token.settingsPath);
  if (tokenAt !== undefined && (certificateAt === undefined || tokenAt > certificateAt)) {
    return readTokenSettings(token.keyPath, token.settingsPath);
  }
  if (certificateAt === undefined) return undefined;
  return { kind: 'pem', ...certificate };
}

/**
 * Writes a certificate (PEM, chain included) and its unencrypted key into the data
 * directory, then removes an imported token key: the folder mode 0700, the key 0600.
 * Each file is written under a temporary name and renamed, so a reader sees the old
 * file or the new one, never half of one.
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
  await removeFiles(Object.values(importedTokenKeyPaths(dataDir)));
  return paths;
}

/**
 * Writes a token key (.p8, mode 0600) and its Key ID, Team ID and topic into the data
 * directory, then removes an imported certificate, each file written as above.
 */
export async function writeImportedTokenKey(
  dataDir: string,
  keyPem: string,
  settings: Omit<TokenKeyFiles, 'kind' | 'keyPath'>,
): Promise<{ keyPath: string; settingsPath: string }> {
  const paths = importedTokenKeyPaths(dataDir);
  await mkdir(join(dataDir, IMPORTED_CREDENTIAL_DIR), { recursive: true, mode: 0o700 });
  await replaceFile(paths.keyPath, keyPem, 0o600);
  const { keyId, teamId, topic } = settings;
  await replaceFile(
    paths.settingsPath,
    `${JSON.stringify({ keyId, teamId, topic }, null, 2)}\n`,
    0o600,
  );
  await removeFiles(Object.values(importedCredentialPaths(dataDir)));
  return paths;
}

function readTokenSettings(keyPath: string, settingsPath: string): TokenKeyFiles {
  let fields: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(settingsPath, 'utf8'));
    if (typeof value === 'object' && value !== null) {
      fields = value as Record<string, unknown>;
    }
  } catch {
    fields = undefined;
  }
  const { keyId, teamId, topic } = fields ?? {};
  if (
    typeof keyId !== 'string' ||
    typeof teamId !== 'string' ||
    typeof topic !== 'string'
  ) {
    throw new CredentialError(
      'file-unreadable',
      `token key settings file '${settingsPath}' is not JSON with the strings keyId, ` +
        'teamId and topic: import the token key again with xaps credential import --p8',
    );
  }
  return { kind: 'p8', keyPath, keyId, teamId, topic };
}

/** Returns the later modification time of the files, or undefined when one is missing. */
function writtenAt(...paths: string[]): number | undefined {
  if (!paths.every((path) => existsSync(path))) return undefined;
  return Math.max(...paths.map((path) => statSync(path).mtimeMs));
}

async function replaceFile(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

async function removeFiles(paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}
