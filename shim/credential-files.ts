import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ApnsClient } from '../shared/apns/client.js';
import type { ApnsSettings } from '../shared/config/apns-settings.js';
import { ConfigError } from '../shared/config/env.js';
import {
  type CertificateSource,
  type LoadedCertificate,
  loadCertificate,
} from '../shared/credentials/load-certificate.js';
import type { Logger } from '../shared/log/logger.js';
import type { CredentialFiles } from './config.js';

/** Loads the certificate named by XAPS_APNS_CERT/XAPS_APNS_KEY or XAPS_APNS_P12. */
export function loadConfiguredCredential(
  files: CredentialFiles,
): Promise<LoadedCertificate> {
  const source: CertificateSource =
    files.kind === 'pem'
      ? { format: 'pem', certPath: files.certPath, keyPath: files.keyPath }
      : { format: 'pkcs12', path: files.p12Path, passphrase: files.passphrase ?? '' };
  return loadCertificate(source);
}

/** Creates the APNs client for a loaded certificate and the XAPS_APNS_* settings. */
export function createApnsClient(
  certificate: LoadedCertificate,
  settings: ApnsSettings,
  logger: Logger,
): ApnsClient {
  const ca = settings.caFile === undefined ? undefined : trustedRoots(settings.caFile);
  return new ApnsClient({
    credential: certificate.credential,
    endpoint: settings.endpoint,
    priority: settings.priority,
    logger,
    ...(ca === undefined ? {} : { ca }),
  });
}

// Node replaces its built-in roots when `ca` is given, so the extra file is added to them.
function trustedRoots(caFile: string): string[] {
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

/** Returns warnings about a credential that loads but will cause trouble. */
export function credentialWarnings(
  certificate: LoadedCertificate,
  settings: ApnsSettings,
  now = Date.now(),
): string[] {
  const warnings: string[] = [];
  const topicBytes = Buffer.byteLength(certificate.topic);
  if (topicBytes < 51) {
    warnings.push(
      `APNs topic '${certificate.topic}' is ${topicBytes} bytes: the Dovecot xaps plugin 2.3 ` +
        'crashes the IMAP process on a /register response shorter than 51 bytes; ' +
        'use the 2.4 plugin or a certificate with a longer topic',
    );
  }

  const env = certificate.environment;
  if (
    (settings.endpointKind === 'production' && env === 'sandbox') ||
    (settings.endpointKind === 'sandbox' && env === 'production')
  ) {
    warnings.push(
      `the certificate is for the APNs ${env} environment but XAPS_APNS_ENDPOINT is ` +
        `${settings.endpointKind}: APNs responds with BadDeviceToken or BadCertificateEnvironment; ` +
        `set XAPS_APNS_ENDPOINT=${env}`,
    );
  }

  const daysLeft = Math.floor((certificate.notAfter.getTime() - now) / 86_400_000);
  if (daysLeft < 0) {
    warnings.push(
      `the certificate expired on ${certificate.notAfter.toISOString()}: renew it`,
    );
  } else if (daysLeft < 30) {
    warnings.push(
      `the certificate expires in ${daysLeft} days (${certificate.notAfter.toISOString()}): renew it`,
    );
  }
  return warnings;
}
