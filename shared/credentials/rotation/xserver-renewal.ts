import type { StoredXServerCertificate } from '../stored-credential.js';
import { renewXServerCertificate } from '../xserver/client.js';
import { vendorIdentitiesFromPem } from '../xserver/vendor-identities.js';
import type { RotationLogger, XServerRenewalSettings } from './rotation-types.js';

/** The setting that turns XServer renewal on in the rotation function. */
export const XSERVER_ENDPOINT_SETTING = 'XAPS_XSERVER_ENDPOINT';

/**
 * Keys of the `xserver` map of a stored XServer certificate that a renewal reads:
 * the Apple ID, its password, and the vendor certificate chains with their keys (PEM).
 * `hostName` is optional and names the host in Apple's list.
 */
export const XSERVER_ACCOUNT_KEYS = {
  appleId: 'appleId',
  password: 'password',
  vendorPem: 'vendorPem',
  hostName: 'hostName',
} as const;

/**
 * Renews the stored XServer certificate at the configured certificate service and
 * returns the stored form of the new one, with the same account facts. Throws naming
 * XAPS_XSERVER_ENDPOINT when renewal is off, and the missing field when the stored
 * credential lacks the account a renewal needs.
 */
export async function renewStoredXServer(
  current: StoredXServerCertificate,
  settings: XServerRenewalSettings | undefined,
  context: { origin: string; now: Date; logger: RotationLogger },
): Promise<StoredXServerCertificate> {
  if (settings === undefined) {
    throw new Error(
      `${context.origin} is an XServer certificate, but ${XSERVER_ENDPOINT_SETTING} is ` +
        "not set on the rotation function, so it cannot be renewed: set it to 'apple' or " +
        'the https URL of a compatible certificate service, or upload a replacement with ' +
        'xaps credential import',
    );
  }

  const account = accountOf(current, context.origin);
  const vendors = vendorIdentitiesFromPem(
    account.vendorPem,
    `the xserver.vendorPem of ${context.origin}`,
  );
  const issued = await renewXServerCertificate({
    endpoint: settings.endpoint,
    appleId: account.appleId,
    password: account.password,
    vendors,
    serialNumber: current.serialNumber,
    ...(account.hostName === undefined ? {} : { hostName: account.hostName }),
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    logger: context.logger,
  });

  const environment =
    issued.environment === 'sandbox' || issued.environment === 'production'
      ? issued.environment
      : current.environment;
  return {
    ...current,
    topic: issued.topic,
    environment,
    notAfter: issued.notAfter.toISOString(),
    storedAt: context.now.toISOString(),
    certPem: issued.certPem,
    keyPem: issued.keyPem,
    serialNumber: issued.serialNumber,
  };
}

interface XServerAccount {
  appleId: string;
  password: string;
  vendorPem: string;
  hostName: string | undefined;
}

function accountOf(current: StoredXServerCertificate, origin: string): XServerAccount {
  const fields = current.xserver ?? {};
  const required = (key: string): string => {
    const value = fields[key];
    if (value === undefined || value === '') {
      throw new Error(
        `${origin} has no xserver.${key}, which an XServer renewal needs: import the ` +
          'certificate again with --xserver-apple-id, --xserver-password-file (or ' +
          '--xserver-password-env) and --xserver-vendor',
      );
    }
    return value;
  };
  return {
    appleId: required(XSERVER_ACCOUNT_KEYS.appleId),
    password: required(XSERVER_ACCOUNT_KEYS.password),
    vendorPem: required(XSERVER_ACCOUNT_KEYS.vendorPem),
    hostName: fields[XSERVER_ACCOUNT_KEYS.hostName],
  };
}
