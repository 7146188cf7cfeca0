import { createHash, verify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { type PlistValue, parse } from 'plist';

/**
 * The request rules of the stand-in certificate service, written from the documented
 * shape of an XServer request: a signed outer plist around an inner plist.
 */

export type RejectionReason =
  | 'format'
  | 'chain'
  | 'signature'
  | 'header'
  | 'account'
  | 'csr'
  | 'serial';

export interface Rejection {
  reason: RejectionReason;
  errorCode: number;
  message: string;
}

export interface CheckedCertRequest {
  requestNumber: number;
  serviceType: string;
  description: string;
  publicKey: forge.pki.rsa.PublicKey;
  /** Lower-case hex as sent, on renewal. */
  serialNumber: string | undefined;
}

export interface CheckedRequest {
  appleId: string;
  header: Record<string, PlistValue>;
  requests: CheckedCertRequest[];
}

export interface CheckContext {
  operation: 'new' | 'renew';
  body: Buffer;
  /** The vendor root CA the stand-in trusts. */
  vendorRoot: X509Certificate;
  /** Passwords by Apple ID. The stand-in compares PasswordHash with their SHA-256. */
  accounts: ReadonlyMap<string, string>;
  /** Serial numbers this stand-in issued, lower-case hex with no leading zeros. */
  isIssuedSerial: (serialNumber: string) => boolean;
}

/** ErrorCode of Apple's service for a rejected Apple ID or password. */
export const BAD_CREDENTIALS_CODE = -80004;
/** The stand-in's own ErrorCode for rule violations whose Apple code is not on record. */
export const STANDIN_REJECTION_CODE = -1;

const SERVICE_TYPES = new Set([
  'Service_Mail',
  'Service_Calendar',
  'Service_Contact',
  'Service_Mgmt',
  'Service_Alerts',
]);

type Dict = { [key: string]: PlistValue };

class RuleViolation extends Error {
  constructor(
    readonly reason: RejectionReason,
    message: string,
    readonly errorCode = STANDIN_REJECTION_CODE,
  ) {
    super(message);
  }
}

/** Checks one request body and returns the parsed request, or the rejection. */
export function checkRequest(context: CheckContext): CheckedRequest | Rejection {
  try {
    const outer = parseDict(context.body, 'request body');
    const innerBytes = dataField(outer, 'PushCertRequestPlist');
    const chain = checkChain(dataField(outer, 'PushCertCertificateChain'), context);
    checkSignature(innerBytes, dataField(outer, 'PushCertSignature'), chain);
    if (outer.PushCertSignedRequest !== true) {
      throw new RuleViolation('format', 'PushCertSignedRequest is not true');
    }
    return checkInner(
      parseDict(Buffer.from(innerBytes), 'PushCertRequestPlist'),
      context,
    );
  } catch (error) {
    if (!(error instanceof RuleViolation)) throw error;
    return { reason: error.reason, errorCode: error.errorCode, message: error.message };
  }
}

function parseDict(bytes: Buffer, description: string): Dict {
  let value: PlistValue;
  try {
    value = parse(bytes.toString('utf8'));
  } catch (error) {
    throw new RuleViolation(
      'format',
      `${description} is not a plist: ${(error as Error).message}`,
    );
  }
  if (!isDict(value))
    throw new RuleViolation('format', `${description} is not a dictionary`);
  return value;
}

function dataField(dict: Dict, key: string): Uint8Array {
  const value = dict[key];
  if (!(value instanceof Uint8Array)) {
    throw new RuleViolation('format', `${key} is missing or not <data>`);
  }
  return value;
}

/** Splits concatenated DER certificates and checks that they chain to the vendor root. */
function checkChain(der: Uint8Array, context: CheckContext): X509Certificate[] {
  const chain = splitDer(Buffer.from(der)).map((part) => {
    try {
      return new X509Certificate(part);
    } catch {
      throw new RuleViolation(
        'chain',
        'PushCertCertificateChain holds a bad certificate',
      );
    }
  });
  if (chain.length === 0) throw new RuleViolation('chain', 'the vendor chain is empty');

  // Validity dates are not checked: Apple accepted macOS Server's expired vendor chain.
  chain.forEach((certificate, index) => {
    const issuer = chain[index + 1];
    if (issuer !== undefined && !certificate.verify(issuer.publicKey)) {
      throw new RuleViolation(
        'chain',
        `chain certificate ${index} is not signed by the next`,
      );
    }
  });
  const top = chain[chain.length - 1] as X509Certificate;
  const trusted =
    top.fingerprint256 === context.vendorRoot.fingerprint256 ||
    (top.checkIssued(context.vendorRoot) && top.verify(context.vendorRoot.publicKey));
  if (!trusted) {
    throw new RuleViolation(
      'chain',
      'the vendor chain does not lead to a trusted vendor CA',
    );
  }
  return chain;
}

function splitDer(der: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < der.length) {
    const lengthByte = der[offset + 1] ?? 0;
    let length = lengthByte;
    let header = 2;
    if (lengthByte & 0x80) {
      const count = lengthByte & 0x7f;
      length = der
        .subarray(offset + 2, offset + 2 + count)
        .reduce((n, b) => n * 256 + b, 0);
      header = 2 + count;
    }
    if (der[offset] !== 0x30 || offset + header + length > der.length) {
      throw new RuleViolation(
        'chain',
        'PushCertCertificateChain is not DER certificates',
      );
    }
    parts.push(der.subarray(offset, offset + header + length));
    offset += header + length;
  }
  return parts;
}

function checkSignature(
  inner: Uint8Array,
  signature: Uint8Array,
  chain: X509Certificate[],
) {
  const vendor = chain[0] as X509Certificate;
  if (!verify('sha1', inner, vendor.publicKey, signature)) {
    throw new RuleViolation(
      'signature',
      'PushCertSignature is not an RSA SHA-1 signature of PushCertRequestPlist by the vendor key',
    );
  }
}

function checkInner(inner: Dict, context: CheckContext): CheckedRequest {
  const header = inner.Header;
  const request = inner.Request;
  if (!isDict(header) || !isDict(request)) {
    throw new RuleViolation(
      'format',
      'the inner plist is missing the Header or Request dict',
    );
  }
  if (header.ClientApplicationName !== 'XServer' || header.ClientOSName !== 'MAC OSX') {
    throw new RuleViolation('header', 'Header names no XServer client on MAC OSX');
  }
  if (request.ProfileType !== 'Production' || request.RequesterType !== 'XServer') {
    throw new RuleViolation('header', 'Request is not a Production request by XServer');
  }

  const appleId = checkAccount(request.User, context.accounts);
  const list = request.CertRequestList;
  if (!Array.isArray(list) || list.length === 0) {
    throw new RuleViolation('format', 'CertRequestList is missing or empty');
  }
  const requests = list.map((entry) => checkCertRequest(entry, context));
  return { appleId, header, requests };
}

function checkAccount(
  user: PlistValue | undefined,
  accounts: ReadonlyMap<string, string>,
) {
  const appleId = isDict(user) ? user.AccountName : undefined;
  const hash = isDict(user) ? user.PasswordHash : undefined;
  if (typeof appleId !== 'string' || typeof hash !== 'string') {
    throw new RuleViolation('format', 'User is missing AccountName or PasswordHash');
  }
  const password = accounts.get(appleId);
  const expected =
    password === undefined
      ? undefined
      : createHash('sha256').update(password).digest('hex');
  if (hash !== expected) {
    // The stand-in's own wording, because Apple's message text for -80004 is not on record.
    throw new RuleViolation(
      'account',
      'Invalid Apple ID or password',
      BAD_CREDENTIALS_CODE,
    );
  }
  return appleId;
}

function checkCertRequest(entry: PlistValue, context: CheckContext): CheckedCertRequest {
  if (!isDict(entry))
    throw new RuleViolation('format', 'a CertRequestList entry is not a dict');
  const { CSR, CertRequestNo, Description, ServiceType } = entry;
  if (
    typeof CSR !== 'string' ||
    typeof CertRequestNo !== 'number' ||
    typeof Description !== 'string' ||
    typeof ServiceType !== 'string' ||
    !SERVICE_TYPES.has(ServiceType)
  ) {
    throw new RuleViolation(
      'format',
      'a CertRequestList entry is missing a required field',
    );
  }

  return {
    requestNumber: CertRequestNo,
    serviceType: ServiceType,
    description: Description,
    publicKey: checkCsr(CSR),
    serialNumber: checkSerial(entry.CertificateSerialNumber, context),
  };
}

function checkCsr(pem: string): forge.pki.rsa.PublicKey {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(pem);
  } catch (error) {
    throw new RuleViolation(
      'csr',
      `a CSR is not a PEM PKCS#10 request: ${(error as Error).message}`,
    );
  }
  if (!verifiesItself(csr)) {
    throw new RuleViolation('csr', 'a CSR self-signature does not verify');
  }
  const publicKey = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (publicKey?.n?.bitLength() !== 2048) {
    throw new RuleViolation('csr', 'a CSR key is not a 2048-bit RSA key');
  }
  return publicKey;
}

/** node-forge throws, rather than returning false, for some bad signatures. */
function verifiesItself(csr: forge.pki.CertificateSigningRequest): boolean {
  try {
    return csr.verify();
  } catch {
    return false;
  }
}

function checkSerial(
  value: PlistValue | undefined,
  context: CheckContext,
): string | undefined {
  if (context.operation === 'new') return undefined;
  if (typeof value !== 'string' || !/^[0-9a-f]+$/.test(value)) {
    throw new RuleViolation(
      'serial',
      'CertificateSerialNumber is missing or not lower-case hex',
    );
  }
  if (!context.isIssuedSerial(value.replace(/^0+(?=.)/, ''))) {
    throw new RuleViolation(
      'serial',
      `no certificate with serial ${value} was issued here`,
    );
  }
  return value;
}

function isDict(value: PlistValue | undefined): value is Dict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}
