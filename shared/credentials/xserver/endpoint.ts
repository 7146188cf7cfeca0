import { XServerError } from './errors.js';

/**
 * The service macOS Server sent its requests to, at `/new` and `/renew` below this URL.
 * Apple stopped issuing certificates there in late 2024 (ErrorCode -80010). The client
 * contacts it only when the operator names it, by this URL or by the word `apple`.
 */
export const APPLE_XSERVER_ENDPOINT = 'https://identity.apple.com/pushcert/caservice';

export type XServerOperation = 'new' | 'renew';

/**
 * Resolves the operator's endpoint setting: `apple` for Apple's historical service,
 * or the https URL of a compatible service. There is no default.
 */
export function resolveXServerEndpoint(value: string | undefined): URL {
  const setting = value?.trim() ?? '';
  if (setting === '') {
    throw new XServerError(
      'invalid-request',
      'no XServer certificate endpoint is set: give the https URL of a compatible ' +
        `certificate service, or 'apple' for ${APPLE_XSERVER_ENDPOINT}, which has ` +
        'returned ErrorCode -80010 since late 2024',
    );
  }
  if (setting.toLowerCase() === 'apple') return new URL(APPLE_XSERVER_ENDPOINT);

  let url: URL;
  try {
    url = new URL(setting);
  } catch {
    throw invalidEndpoint(setting, 'it is not a URL');
  }
  if (url.protocol !== 'https:') {
    // The request carries the Apple ID and its password hash.
    throw invalidEndpoint(setting, 'the request must go over https');
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalidEndpoint(setting, 'it must have no query or fragment');
  }
  return url;
}

/** Returns the URL of `operation` below the endpoint: `<endpoint>/new` or `/renew`. */
export function operationUrl(endpoint: URL, operation: XServerOperation): URL {
  const url = new URL(endpoint.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${operation}`;
  return url;
}

function invalidEndpoint(setting: string, reason: string): XServerError {
  // A URL may carry user:password before the host; the message must not repeat it.
  const shown = setting.replace(/\/\/[^/@]*@/, '//…@');
  return new XServerError(
    'invalid-request',
    `XServer certificate endpoint '${shown}' is invalid (${reason}): give an https ` +
      `URL such as ${APPLE_XSERVER_ENDPOINT}, or 'apple'`,
  );
}
