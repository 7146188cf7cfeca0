import { X509Certificate } from 'node:crypto';
import { type CertificateEnvironment, inspectCertificate } from '../certificate-facts.js';
import { CredentialError } from '../errors.js';
import { XServerError } from './errors.js';
import { normalizeSerialNumber } from './serial-number.js';

/** A mail push certificate from the service, with the fresh key it was issued for. */
export interface XServerCertificate {
  certPem: string;
  /** PKCS#8 PEM of the key generated for this request. */
  keyPem: string;
  /** The subject UID, such as com.apple.mail.XServer.<uuid>. */
  topic: string;
  notAfter: Date;
  /** Lower-case hex; a later renewal sends it. */
  serialNumber: string;
  environment: CertificateEnvironment;
}

/** Push topic prefixes iOS Mail accepts. */
const MAIL_TOPIC_PREFIXES = ['com.apple.mail.', 'com.apple.mobilemail.push.'];

/**
 * Checks that `certPem` belongs to `keyPem` and carries a mail push topic, and reads
 * its facts. Throws XServerError 'bad-response' naming the service otherwise.
 */
export function readIssuedCertificate(
  certPem: string,
  keyPem: string,
  url: URL,
): XServerCertificate {
  const origin = `the mail certificate from ${url.origin}`;
  let loaded: ReturnType<typeof inspectCertificate>;
  try {
    loaded = inspectCertificate(certPem, keyPem, { cert: origin, key: 'the fresh key' });
  } catch (error) {
    if (!(error instanceof CredentialError)) throw error;
    throw new XServerError(
      'bad-response',
      `${error.message}. The service returned a certificate this ` +
        'client cannot use; nothing was saved',
      { cause: error },
    );
  }

  if (!MAIL_TOPIC_PREFIXES.some((prefix) => loaded.topic.startsWith(prefix))) {
    throw new XServerError(
      'bad-response',
      `${origin} has topic '${loaded.topic}', which iOS Mail does not accept: it ` +
        `accepts only topics that start with ${MAIL_TOPIC_PREFIXES.join(' or ')}`,
    );
  }

  return {
    certPem: loaded.credential.certPem,
    keyPem: loaded.credential.keyPem,
    topic: loaded.topic,
    notAfter: loaded.notAfter,
    serialNumber: normalizeSerialNumber(new X509Certificate(certPem).serialNumber),
    environment: loaded.environment,
  };
}
