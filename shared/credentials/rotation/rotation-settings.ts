import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfigError, type Env, readString } from '../../config/env.js';
import { resolveXServerEndpoint } from '../xserver/endpoint.js';
import type { XServerRenewalSettings } from './rotation-types.js';
import { XSERVER_ENDPOINT_SETTING } from './xserver-renewal.js';

const XSERVER_CA_SETTING = 'XAPS_XSERVER_CA';

/**
 * Reads the XServer renewal settings of the rotation and check functions:
 * XAPS_XSERVER_ENDPOINT (`apple` or an https URL; unset turns renewal off) and
 * XAPS_XSERVER_CA (an extra PEM CA file for the service). Throws ConfigError naming the
 * variable when a value is invalid.
 */
export function readRenewalSettings(env: Env): XServerRenewalSettings | undefined {
  const endpoint = readString(env, XSERVER_ENDPOINT_SETTING);
  const caFile = readString(env, XSERVER_CA_SETTING);
  if (endpoint === undefined) {
    if (caFile !== undefined) {
      throw new ConfigError(
        XSERVER_CA_SETTING,
        `${XSERVER_CA_SETTING} is set without ${XSERVER_ENDPOINT_SETTING}: set the ` +
          'endpoint too, or unset the CA file',
      );
    }
    return undefined;
  }

  try {
    resolveXServerEndpoint(endpoint);
  } catch (error) {
    throw new ConfigError(
      XSERVER_ENDPOINT_SETTING,
      `${XSERVER_ENDPOINT_SETTING}: ${(error as Error).message}`,
    );
  }
  return caFile === undefined ? { endpoint } : { endpoint, ca: readCaFile(caFile) };
}

// Node trusts only the `ca` list when one is given, so the file extends the built-in roots.
function readCaFile(caFile: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new ConfigError(
      XSERVER_CA_SETTING,
      `${XSERVER_CA_SETTING}='${caFile}' could not be read (${(error as Error).message}): ` +
        'give a readable PEM CA file',
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(
      XSERVER_CA_SETTING,
      `${XSERVER_CA_SETTING}='${caFile}' contains no PEM certificate: give a PEM CA file`,
    );
  }
  return [...rootCertificates, pem];
}
