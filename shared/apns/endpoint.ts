import { APNS_PRODUCTION, APNS_SANDBOX } from './types.js';

/** Apple's production host, its sandbox host, or a custom https:// origin. */
export type ApnsEndpoint = 'production' | 'sandbox' | (string & Record<never, never>);

/**
 * Resolves an endpoint setting to the origin to connect to: `production` or `sandbox`
 * in any letter case, or an https:// URL with no path, query or credentials, e.g. a
 * loopback test server.
 */
export function resolveApnsOrigin(endpoint: ApnsEndpoint): string {
  const name = endpoint.toLowerCase();
  if (name === 'production') return APNS_PRODUCTION;
  if (name === 'sandbox') return APNS_SANDBOX;

  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(invalidEndpoint(endpoint, 'it is not a URL'));
  }
  if (url.protocol !== 'https:') {
    throw new Error(invalidEndpoint(endpoint, 'APNs speaks HTTP/2 over TLS only'));
  }
  const hasExtras = url.pathname !== '/' || url.search !== '' || url.hash !== '';
  if (hasExtras || url.username !== '' || url.password !== '') {
    throw new Error(invalidEndpoint(endpoint, 'give the origin only'));
  }
  return url.origin;
}

function invalidEndpoint(endpoint: string, problem: string): string {
  return (
    `APNs endpoint '${endpoint}' is invalid (${problem}): use 'production', 'sandbox' ` +
    `or an origin such as https://127.0.0.1:8443`
  );
}
