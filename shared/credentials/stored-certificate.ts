import { X509Certificate } from 'node:crypto';
import type { LoadedCertificate } from './certificate-facts.js';
import { type CredentialProblem, certificateKindOf } from './model.js';
import {
  type ApnsEnvironmentName,
  STORED_CREDENTIAL_FORMAT_VERSION,
  type StoredDeveloperCertificate,
  type StoredXServerCertificate,
} from './stored-credential.js';
import { environmentProblems, topicProblems, validityProblems } from './validate.js';
import { serialNumberOfCertificate } from './xserver/serial-number.js';

/** A certificate ready to store, and what the checks found about it. */
export interface CertificateImport {
  credential: StoredDeveloperCertificate | StoredXServerCertificate;
  /** Errors mean the certificate cannot push and must not be stored. */
  problems: CredentialProblem[];
}

export interface CertificateImportOptions {
  /** Time of the import: stored as storedAt and used for the validity check. */
  now: Date;
  /** APNs environment to record when the certificate's own markers should not decide. */
  environment?: ApnsEnvironmentName;
}

/**
 * Builds the stored form of a loaded push certificate: the XServer kind for a
 * com.apple.mail.XServer. topic, the developer kind for any other. The environment comes
 * from Apple's marker extensions. A certificate marked for both hosts, or for neither, is
 * recorded as production, because iOS Mail's pushes go through the production host.
 * `origin` names the files in problem messages.
 */
export function storedCertificateOf(
  loaded: LoadedCertificate,
  origin: string,
  options: CertificateImportOptions,
): CertificateImport {
  const { certPem, keyPem } = loaded.credential;
  const base: Omit<StoredDeveloperCertificate, 'kind'> = {
    formatVersion: STORED_CREDENTIAL_FORMAT_VERSION,
    topic: loaded.topic,
    environment: options.environment ?? environmentName(loaded),
    notAfter: loaded.notAfter.toISOString(),
    storedAt: options.now.toISOString(),
    certPem,
    keyPem,
  };
  const credential: CertificateImport['credential'] =
    certificateKindOf(loaded.topic) === 'xserver-certificate'
      ? {
          ...base,
          kind: 'xserver-certificate',
          serialNumber: serialNumberOfCertificate(certPem, origin),
        }
      : { ...base, kind: 'developer-certificate' };

  const validity = {
    notBefore: new Date(new X509Certificate(certPem).validFrom),
    notAfter: loaded.notAfter,
  };
  const problems = [
    ...validityProblems(validity, options.now.getTime(), origin, credential.kind),
    ...topicProblems(loaded.topic, origin),
    ...(options.environment === undefined
      ? environmentProblems(loaded.environment, origin)
      : []),
  ];
  return { credential, problems };
}

function environmentName(loaded: LoadedCertificate): ApnsEnvironmentName {
  return loaded.environment === 'sandbox' ? 'sandbox' : 'production';
}
