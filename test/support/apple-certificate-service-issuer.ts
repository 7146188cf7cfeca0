import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import forge from 'node-forge';
import type { CheckedCertRequest } from './apple-certificate-service-checks.js';
import {
  APPLE_PRODUCTION_EXTENSION_OID,
  createTestCa,
  SUBJECT_UID_OID,
  type TestCa,
} from './pki.js';

/** What the stand-in remembers of a certificate it issued, by serial number. */
export interface IssuedRecord {
  topic: string;
  serviceType: string;
  appleId: string;
  certPem: string;
}

/**
 * Issues push certificates shaped like Apple's XServer ones from a throwaway CA: the
 * subject UID is the topic, and the production environment extension is set.
 */
export class PushCertificateIssuer {
  readonly ca: TestCa = createTestCa('xaps test Apple push CA');
  /** Keyed by serial number in lower-case hex with no leading zeros. */
  readonly issued = new Map<string, IssuedRecord>();

  /**
   * Issues one certificate for `request`. A renewal keeps the topic of the certificate
   * it renews, so registered devices keep working.
   */
  issue(request: CheckedCertRequest, appleId: string, validDays = 365): IssuedRecord {
    const renewed =
      request.serialNumber === undefined
        ? undefined
        : this.issued.get(request.serialNumber.replace(/^0+(?=.)/, ''));
    const topic = renewed?.topic ?? newTopic(request.serviceType);

    const certificate = forge.pki.createCertificate();
    certificate.publicKey = request.publicKey;
    certificate.serialNumber = serialNumberHex();
    const notBefore = new Date(Date.now() - 60_000);
    certificate.validity.notBefore = notBefore;
    certificate.validity.notAfter = new Date(
      notBefore.getTime() + validDays * 86_400_000,
    );
    certificate.setSubject(subjectFor(topic));
    certificate.setIssuer(this.ca.certificate.subject.attributes);
    certificate.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
      // Apple's marker extensions carry a DER NULL (05 00) as their value.
      { id: APPLE_PRODUCTION_EXTENSION_OID, value: '\x05\x00' },
    ]);
    certificate.sign(this.ca.privateKey, forge.md.sha256.create());

    const certPem = forge.pki.certificateToPem(certificate).replace(/\r\n/g, '\n');
    const record = { topic, serviceType: request.serviceType, appleId, certPem };
    this.issued.set(certificate.serialNumber.replace(/^0+(?=.)/, ''), record);
    return record;
  }

  isIssued(serialNumber: string): boolean {
    return this.issued.has(serialNumber);
  }
}

/**
 * Returns 9 random bytes in hex whose first byte is 01 to 7f, so the DER INTEGER is
 * positive and minimal. A first byte below 10 prints with a leading zero, which the
 * client strips.
 */
function serialNumberHex(): string {
  const first = (1 + randomInt(0x7f)).toString(16).padStart(2, '0');
  return `${first}${randomBytes(8).toString('hex')}`;
}

function newTopic(serviceType: string): string {
  const service = serviceType.replace(/^Service_/, '').toLowerCase();
  return `com.apple.${service}.XServer.${randomUUID()}`;
}

function subjectFor(topic: string): forge.pki.CertificateField[] {
  return [
    {
      type: SUBJECT_UID_OID,
      value: topic,
      // Apple encodes the UID as a UTF8String; the forge typings mistype the tag as a Class.
      valueTagClass: forge.asn1.Type.UTF8 as number as forge.asn1.Class,
    },
    { name: 'commonName', value: `APSP:${topic.split('.').pop() ?? ''}` },
    { name: 'countryName', value: 'US' },
  ];
}
