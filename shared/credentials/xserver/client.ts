import { hostname } from 'node:os';
import type { CaOption } from '../../apns/connect-options.js';
import type { Logger } from '../../log/logger.js';
import { createServiceKey, type ServiceKey } from './csr.js';
import {
  operationUrl,
  resolveXServerEndpoint,
  type XServerOperation,
} from './endpoint.js';
import { XServerError } from './errors.js';
import { readIssuedCertificate, type XServerCertificate } from './issued-certificate.js';
import {
  buildRequestPlist,
  buildSignedRequest,
  type CertRequest,
  passwordHash,
} from './request-plist.js';
import { pickIssuedCertificate, readServiceResponse } from './response.js';
import { normalizeSerialNumber } from './serial-number.js';
import type { XServerService } from './services.js';
import { postPlist } from './transport.js';
import { chooseVendorIdentity, type VendorIdentity } from './vendor-identities.js';

export type { XServerCertificate } from './issued-certificate.js';

/**
 * The User-Agent of macOS Server's servermgrd push plugin, which the xaps daemon and
 * the macos-server-apns-certs recipe also send to Apple's service.
 */
export const SERVERMGRD_USER_AGENT =
  'Servermgrd%20Plugin/6.0 CFNetwork/811.11 Darwin/16.7.0 (x86_64)';

export interface XServerRequestOptions {
  /** `apple` for Apple's historical service, or the https URL of a compatible one. */
  endpoint: string;
  appleId: string;
  /** Sent only as its SHA-256 hash; never logged. */
  password: string;
  /** From loadVendorIdentities(); one is chosen at random for the request. */
  vendors: readonly VendorIdentity[];
  /** Shown beside the certificate in Apple's list; default this host's name. */
  hostName?: string;
  /** Trusted roots for the service's TLS certificate; default Node's built-in list. */
  ca?: CaOption;
  /** Time allowed for the exchange in milliseconds; default 60000. */
  timeoutMs?: number;
  userAgent?: string;
  logger?: Logger;
  /** Returns an index below `count`; default crypto.randomInt. For tests. */
  pickVendor?: (count: number) => number;
}

export interface XServerNewOptions extends XServerRequestOptions {
  /**
   * Services requested besides mail, as macOS Server requested all five at once.
   * Their certificates and keys are discarded: this project pushes mail only.
   */
  extraServices?: readonly XServerService[];
}

export interface XServerRenewOptions extends XServerRequestOptions {
  /** Serial number of the mail certificate being renewed, in hex. */
  serialNumber: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Requests a new mail push certificate (POST <endpoint>/new) with a fresh key. */
export function requestXServerCertificate(
  options: XServerNewOptions,
): Promise<XServerCertificate> {
  const extras = (options.extraServices ?? []).filter((service) => service !== 'mail');
  return exchange('new', options, [
    { service: 'mail' },
    ...[...new Set(extras)].map((service) => ({ service })),
  ]);
}

/**
 * Renews a mail push certificate (POST <endpoint>/renew) with a fresh key; the
 * request names the old certificate by its serial number.
 */
export function renewXServerCertificate(
  options: XServerRenewOptions,
): Promise<XServerCertificate> {
  const serialNumber = normalizeSerialNumber(options.serialNumber);
  return exchange('renew', options, [{ service: 'mail', serialNumber }]);
}

async function exchange(
  operation: XServerOperation,
  options: XServerRequestOptions,
  services: ReadonlyArray<{ service: XServerService; serialNumber?: string }>,
): Promise<XServerCertificate> {
  const url = operationUrl(resolveXServerEndpoint(options.endpoint), operation);
  const appleId = checkAccount(options);
  const vendor = chooseVendorIdentity(options.vendors, options.pickVendor);

  const keys: ServiceKey[] = services.map((entry) => createServiceKey(entry.service));
  const requests: CertRequest[] = services.map((entry, index) => ({
    ...entry,
    csrPem: keys[index]?.csrPem ?? '',
    requestNumber: index,
  }));
  const requestPlist = buildRequestPlist({
    appleId,
    passwordHash: passwordHash(options.password),
    hostName: options.hostName ?? hostname(),
    requests,
  });

  options.logger?.info('Sending XServer certificate request', {
    operation,
    // Origin and path only: user info in the endpoint URL would be a credential.
    endpoint: `${url.origin}${url.pathname}`,
    vendor: vendor.label,
    services: services.map((entry) => entry.service),
  });
  const response = await postPlist(url, buildSignedRequest(requestPlist, vendor), {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    userAgent: options.userAgent ?? SERVERMGRD_USER_AGENT,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });

  const entries = readServiceResponse(response, url);
  const certPem = pickIssuedCertificate(entries, 'mail', 0, url);
  const mailKey = keys[0]?.keyPem ?? '';
  const issued = readIssuedCertificate(certPem, mailKey, url);

  options.logger?.info('XServer certificate issued', {
    operation,
    topic: issued.topic,
    notAfter: issued.notAfter.toISOString(),
    serialNumber: issued.serialNumber,
  });
  return issued;
}

function checkAccount(options: XServerRequestOptions): string {
  const appleId = options.appleId.trim();
  if (appleId === '' || /\s/.test(appleId)) {
    throw new XServerError(
      'invalid-request',
      `Apple ID '${appleId}' is invalid: give the Apple ID (an email address) that ` +
        "owns the operator's macOS Server licence",
    );
  }
  if (options.password === '') {
    throw new XServerError(
      'invalid-request',
      `the password of Apple ID '${appleId}' is empty: supply it from a file or an ` +
        'environment variable',
    );
  }
  return appleId;
}
