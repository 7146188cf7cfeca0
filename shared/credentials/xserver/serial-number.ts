import { X509Certificate } from 'node:crypto';
import { XServerError } from './errors.js';

/**
 * Writes a certificate serial number the way a renewal sends it: lower-case hex with
 * no leading zeros and no separators. Accepts OpenSSL's upper-case form, node-forge's
 * form with a leading 00 byte, and colon-separated bytes.
 */
export function normalizeSerialNumber(serialNumber: string): string {
  const hex = serialNumber.trim().replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) {
    throw new XServerError(
      'invalid-request',
      `serial number '${serialNumber}' is not hexadecimal: give the serial of the ` +
        'certificate to renew as hex digits, or the certificate itself',
    );
  }
  return hex.replace(/^0+(?=.)/, '');
}

/** Reads the serial number of the first certificate in `certPem`, normalized. */
export function serialNumberOfCertificate(certPem: string, origin: string): string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw new XServerError(
      'invalid-request',
      `${origin} contains no readable PEM certificate (${(error as Error).message}): ` +
        'give the XServer certificate to renew',
    );
  }
  return normalizeSerialNumber(certificate.serialNumber);
}
