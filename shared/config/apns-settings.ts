import { resolveApnsOrigin } from '../apns/endpoint.js';
import type { ApnsPriority } from '../apns/request.js';
import { APNS_PRODUCTION, APNS_SANDBOX } from '../apns/types.js';
import { ConfigError, type Env, readString } from './env.js';

/** How to reach APNs. */
export interface ApnsSettings {
  /** Origin of the APNs provider API, e.g. https://api.push.apple.com. */
  endpoint: string;
  /** Apple environment of the endpoint, or custom for any other origin. */
  endpointKind: 'production' | 'sandbox' | 'custom';
  /** apns-priority header; 'omit' sends none. */
  priority: ApnsPriority;
  /** Extra PEM CA file trusted beside Node's built-in roots, e.g. a TLS-inspecting proxy's. */
  caFile: string | undefined;
}

/** Reads XAPS_APNS_ENDPOINT, XAPS_APNS_PRIORITY and XAPS_APNS_CA. */
export function readApnsSettings(env: Env): ApnsSettings {
  const endpoint = readEndpoint(env);
  return {
    endpoint,
    endpointKind: endpointKind(endpoint),
    priority: readPriority(env),
    caFile: readString(env, 'XAPS_APNS_CA'),
  };
}

function readEndpoint(env: Env): string {
  const raw = readString(env, 'XAPS_APNS_ENDPOINT') ?? 'production';
  try {
    return resolveApnsOrigin(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError('XAPS_APNS_ENDPOINT', `XAPS_APNS_ENDPOINT: ${reason}`);
  }
}

function endpointKind(origin: string): ApnsSettings['endpointKind'] {
  if (origin === APNS_PRODUCTION) {
    return 'production';
  }
  return origin === APNS_SANDBOX ? 'sandbox' : 'custom';
}

function readPriority(env: Env): ApnsPriority {
  const raw = readString(env, 'XAPS_APNS_PRIORITY') ?? '5';
  if (raw === '5') {
    return 5;
  }
  if (raw === '10') {
    return 10;
  }
  if (raw.toLowerCase() === 'none') {
    return 'omit';
  }
  throw new ConfigError(
    'XAPS_APNS_PRIORITY',
    `XAPS_APNS_PRIORITY='${raw}' is invalid: expected 5, 10 or none (sends no apns-priority header)`,
  );
}
