import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfigError } from './env.js';

/**
 * Reads the PEM CA file named by XAPS_APNS_CA and returns it after Node's built-in
 * roots: Node trusts only the `ca` list when one is given, so the file must extend the
 * built-in list rather than replace it. Throws ConfigError when the file is unreadable
 * or contains no certificate.
 */
export function readApnsCaFile(caFile: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      'XAPS_APNS_CA',
      `XAPS_APNS_CA='${caFile}' could not be read (${reason}): give a readable PEM CA file`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(
      'XAPS_APNS_CA',
      `XAPS_APNS_CA='${caFile}' contains no PEM certificate: give a PEM CA file`,
    );
  }
  return [...rootCertificates, pem];
}
