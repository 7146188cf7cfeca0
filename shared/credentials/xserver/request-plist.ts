import { createHash, type KeyObject, sign } from 'node:crypto';
import { build } from 'plist';
import { serviceFacts, type XServerService } from './services.js';
import type { VendorIdentity } from './vendor-identities.js';

/** One CertRequestList entry before it is written into the plist. */
export interface CertRequest {
  service: XServerService;
  csrPem: string;
  /** CertRequestNo: the entry's position, from 0, which the response order follows. */
  requestNumber: number;
  /** Serial of the certificate being renewed, normalized lower-case hex. */
  serialNumber?: string;
}

export interface RequestPlistInput {
  appleId: string;
  /** passwordHash(password): the password itself is never sent. */
  passwordHash: string;
  /** Host name shown beside each certificate in Apple's certificate list. */
  hostName: string;
  requests: readonly CertRequest[];
}

/**
 * The Header of every request, with the values macOS Server 5.10 sent (as in the
 * request body the macos-server-apns-certs project published). Apple's response
 * echoed them; none carries a secret.
 */
export const XSERVER_REQUEST_HEADER = {
  ClientApplicationCredential: '1',
  ClientApplicationName: 'XServer',
  ClientIPAddress: '1',
  ClientOSName: 'MAC OSX',
  ClientOSVersion: '2.1',
  LanguagePreference: '1',
  TransactionId: '1',
  Version: '1',
} as const;

/** Returns the lower-case hex SHA-256 of the UTF-8 password, as PasswordHash carries it. */
export function passwordHash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

/** Builds the inner request plist; its exact bytes are what the vendor key signs. */
export function buildRequestPlist(input: RequestPlistInput): Buffer {
  const certRequestList = input.requests.map((request) => {
    const facts = serviceFacts(request.service);
    return {
      CSR: request.csrPem,
      CertRequestNo: request.requestNumber,
      ...(request.serialNumber === undefined
        ? {}
        : { CertificateSerialNumber: request.serialNumber }),
      Description: `${input.hostName} - ${facts.descriptionSuffix}`,
      ServiceType: facts.serviceType,
    };
  });

  const document = {
    Header: { ...XSERVER_REQUEST_HEADER },
    Request: {
      CertRequestList: certRequestList,
      ProfileType: 'Production',
      RequesterType: 'XServer',
      User: { AccountName: input.appleId, PasswordHash: input.passwordHash },
    },
  };
  return Buffer.from(`${build(document, { indent: '\t' })}\n`, 'utf8');
}

/** Signs `requestPlist` with RSA PKCS#1 v1.5 over its SHA-1 digest, as the service checks. */
export function signRequestPlist(requestPlist: Buffer, privateKey: KeyObject): Buffer {
  return sign('sha1', requestPlist, privateKey);
}

/**
 * Builds the body that is posted: the vendor chain as concatenated DER certificates
 * (the vendor certificate first), the inner plist bytes, their signature, and
 * PushCertSignedRequest true.
 */
export function buildSignedRequest(requestPlist: Buffer, vendor: VendorIdentity): string {
  return buildOuterPlist({
    chain: Buffer.concat(vendor.chain.map((certificate) => certificate.raw)),
    requestPlist,
    signature: signRequestPlist(requestPlist, vendor.privateKey),
  });
}

/** The parts of the posted body; tests pass altered parts to check the service. */
export interface OuterPlistParts {
  chain: Buffer;
  requestPlist: Buffer;
  signature: Buffer;
}

export function buildOuterPlist(parts: OuterPlistParts): string {
  const document = {
    PushCertCertificateChain: parts.chain,
    PushCertRequestPlist: parts.requestPlist,
    PushCertSignature: parts.signature,
    PushCertSignedRequest: true,
  };
  return `${build(document, { indent: '\t' })}\n`;
}
