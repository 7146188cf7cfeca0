import { type PlistValue, parse } from 'plist';
import { XServerError } from './errors.js';
import { serviceFacts, type XServerService } from './services.js';
import type { ServiceResponse } from './transport.js';

/** One entry of Response.Certificates. */
export interface IssuedEntry {
  certPem: string;
  /** CertRequestNo of the request this entry is for, when the service includes it. */
  requestNumber?: number;
  /** ServiceType, when the service includes it. */
  serviceType?: string;
}

type PlistDict = { [key: string]: PlistValue };

/** ErrorCode that Apple returns since it stopped serving the route in late 2024. */
export const SERVICE_DISCONTINUED_CODE = -80010;
/** ErrorCode "Invalid Session". Apple does not document its cause. */
export const INVALID_SESSION_CODE = -20358;
/** ErrorCode of a rejected Apple ID or password. */
export const BAD_CREDENTIALS_CODE = -80004;

/**
 * Reads the service's response: an HTTP 200 with a plist whose
 * Response.Status.ErrorCode is 0 and whose Response.Certificates lists PEM
 * certificates in request order. Throws XServerError for every other response, with
 * one code per kind of failure.
 */
export function readServiceResponse(response: ServiceResponse, url: URL): IssuedEntry[] {
  const text = response.body.toString('utf8');
  if (response.status !== 200 || !looksLikePlist(text)) {
    throw httpError(response, text, url);
  }

  const document = parsePlist(text, url);
  const status = dictAt(dictAt(document, 'Response'), 'Status');
  const errorCode = status?.ErrorCode;
  if (typeof errorCode !== 'number') {
    throw badResponse(url, 'its plist has no Response.Status.ErrorCode');
  }
  if (errorCode !== 0) {
    throw serviceError(errorCode, serviceMessage(status), url);
  }

  const certificates = dictAt(document, 'Response')?.Certificates;
  if (!Array.isArray(certificates) || certificates.length === 0) {
    throw badResponse(
      url,
      'ErrorCode is 0 but Response.Certificates is missing or empty',
    );
  }
  return certificates.map((entry, index) => readEntry(entry, index, url));
}

/**
 * Returns the certificate issued for the request for `service` (number
 * `requestNumber`): the entry naming that CertRequestNo or ServiceType, or else the
 * entry at that position, because the service returns them in request order.
 */
export function pickIssuedCertificate(
  entries: readonly IssuedEntry[],
  service: XServerService,
  requestNumber: number,
  url: URL,
): string {
  const serviceType = serviceFacts(service).serviceType;
  const named =
    entries.find((entry) => entry.requestNumber === requestNumber) ??
    entries.find((entry) => entry.serviceType === serviceType);
  const entry = named ?? entries[requestNumber];
  if (entry === undefined) {
    throw badResponse(
      url,
      `it holds ${entries.length} certificate(s) and none for ${serviceType} ` +
        `(CertRequestNo ${requestNumber})`,
    );
  }
  return entry.certPem;
}

function readEntry(entry: PlistValue, index: number, url: URL): IssuedEntry {
  const dict = isDict(entry) ? entry : undefined;
  const certPem = dict?.Certificate;
  if (typeof certPem !== 'string' || !certPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw badResponse(url, `Response.Certificates[${index}] has no PEM Certificate`);
  }
  const issued: IssuedEntry = { certPem };
  if (typeof dict?.CertRequestNo === 'number') issued.requestNumber = dict.CertRequestNo;
  if (typeof dict?.ServiceType === 'string') issued.serviceType = dict.ServiceType;
  return issued;
}

function serviceError(errorCode: number, message: string, url: URL): XServerError {
  const summary = `the certificate service at ${url.origin} returned ErrorCode ${errorCode}${
    message === '' ? '' : ` (${message})`
  }`;
  const details = { serviceErrorCode: errorCode };

  switch (errorCode) {
    case SERVICE_DISCONTINUED_CODE:
      return new XServerError(
        'service-discontinued',
        `${summary}: Apple stopped issuing XServer push certificates in late 2024 and ` +
          'returns this code for every request. Use a developer certificate or a provider ' +
          'token key, or point the endpoint at a compatible service',
        details,
      );
    case INVALID_SESSION_CODE:
      return new XServerError(
        'invalid-session',
        `${summary}: the service rejected the signed request. Check that the vendor ` +
          "identities are the ones from the operator's macOS Server and that this " +
          "host's clock is right, then run the request again later",
        details,
      );
    case BAD_CREDENTIALS_CODE:
      return new XServerError(
        'bad-credentials',
        `${summary}: the Apple ID or its password was rejected. Check both; the ` +
          'password is sent only as its SHA-256 hash',
        details,
      );
    default:
      return new XServerError(
        'service-error',
        `${summary}: the request was not accepted; nothing was retried`,
        details,
      );
  }
}

function httpError(response: ServiceResponse, text: string, url: URL): XServerError {
  const html = /<html[\s>]/i.test(text) || /text\/html/i.test(response.contentType ?? '');
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const bodyDescription = html
    ? `an HTML page${title ? ` ('${title.slice(0, 120)}')` : ''}`
    : `a ${response.contentType ?? 'untyped'} body of ${response.body.length} bytes`;
  return new XServerError(
    'http-error',
    `the certificate service at ${url.origin} returned HTTP ${response.status} with ` +
      `${bodyDescription} instead of a plist: the service is unavailable or the endpoint is ` +
      'wrong; nothing was retried',
    { httpStatus: response.status },
  );
}

function looksLikePlist(text: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?(<!DOCTYPE plist[^>]*>\s*)?<plist[\s>]/i.test(text);
}

function parsePlist(text: string, url: URL): PlistDict {
  let document: PlistValue;
  try {
    document = parse(text);
  } catch (error) {
    throw badResponse(url, `its plist could not be parsed (${(error as Error).message})`);
  }
  if (!isDict(document)) throw badResponse(url, 'its plist is not a dictionary');
  return document;
}

function serviceMessage(status: PlistDict | undefined): string {
  const parts = [status?.ErrorMessage, status?.ErrorDescription].filter(
    (part): part is string => typeof part === 'string' && part.trim() !== '',
  );
  return [...new Set(parts.map((part) => part.trim()))].join('; ');
}

function dictAt(dict: PlistDict | undefined, key: string): PlistDict | undefined {
  const value = dict?.[key];
  return isDict(value) ? value : undefined;
}

function isDict(value: PlistValue | undefined): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}

function badResponse(url: URL, reason: string): XServerError {
  return new XServerError(
    'bad-response',
    `the certificate service at ${url.origin} sent an unusable response (${reason}): ` +
      'check that the endpoint is an XServer certificate service',
  );
}
