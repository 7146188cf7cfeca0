import { ApnsClient } from '../shared/apns/client.js';
import { readApnsCaFile } from '../shared/config/apns-ca.js';
import type { ApnsSettings } from '../shared/config/apns-settings.js';
import {
  type CertificateSource,
  type LoadedCertificate,
  loadCertificate,
} from '../shared/credentials/load-certificate.js';
import { topicProblems } from '../shared/credentials/validate.js';
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

/** Returns the start-up warning without a credential; `knownTopic` is the last topic served. */
export function noCredentialWarning(knownTopic: string | undefined): string {
  const fix = 'set XAPS_APNS_CERT and XAPS_APNS_KEY, or XAPS_APNS_P12';
  if (knownTopic === undefined) {
    return (
      `no APNs credential configured: ${fix}; /register responds 503 until then ` +
      '(Dovecot shows devices the topic "(null)")'
    );
  }
  return (
    `no APNs credential configured: ${fix}; /register still answers with the last ` +
    `topic served (${knownTopic}), but no push is sent until then`
  );
}

/** Creates the APNs client for a loaded certificate and the XAPS_APNS_* settings. */
export function createApnsClient(
  certificate: LoadedCertificate,
  settings: ApnsSettings,
  logger: Logger,
): ApnsClient {
  const ca = settings.caFile === undefined ? undefined : readApnsCaFile(settings.caFile);
  return new ApnsClient({
    credential: certificate.credential,
    endpoint: settings.endpoint,
    priority: settings.priority,
    logger,
    ...(ca === undefined ? {} : { ca }),
  });
}

/** Returns warnings about a credential that loads but will cause trouble. */
export function credentialWarnings(
  certificate: LoadedCertificate,
  settings: ApnsSettings,
  now = Date.now(),
): string[] {
  // Checked at load: a topic with spaces or control characters does not get this far.
  const warnings = topicProblems(certificate.topic, 'the APNs certificate').map(
    (problem) => problem.message,
  );

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
