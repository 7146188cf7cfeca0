import { request } from 'node:https';
import type { CaOption } from '../../apns/connect-options.js';
import { XServerError, type XServerErrorCode } from './errors.js';

/** The certificate service's HTTP response, before its body is read as a plist. */
export interface ServiceResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export interface PostOptions {
  /** Trusted roots for the service's TLS certificate. Omit it to use Node's built-in list. */
  ca?: CaOption;
  /** Time allowed for the whole exchange, from connecting to the last body byte. */
  timeoutMs: number;
  userAgent: string;
}

/** Maximum response body size. A plist with five certificates takes about 12 KiB. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Posts `body` once with Content-Type text/x-xml-plist and returns the response,
 * whatever its status. Network failures become XServerError with their own code, and
 * nothing is retried.
 */
export function postPlist(
  url: URL,
  body: string,
  options: PostOptions,
): Promise<ServiceResponse> {
  const payload = Buffer.from(body, 'utf8');

  return new Promise<ServiceResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      reject(error instanceof XServerError ? error : networkError(error, url));
    };

    const outgoing = request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/x-xml-plist',
        'Content-Length': payload.length,
        Accept: '*/*',
        'Accept-Language': 'en-us',
        'User-Agent': options.userAgent,
      },
      minVersion: 'TLSv1.2',
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    const timer = setTimeout(
      () => fail(timedOut(url, options.timeoutMs)),
      options.timeoutMs,
    );

    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) fail(tooLarge(url));
        else chunks.push(chunk);
      });
      incoming.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: incoming.statusCode ?? 0,
          contentType: incoming.headers['content-type'],
          body: Buffer.concat(chunks),
        });
      });
      incoming.on('error', fail);
    });
    outgoing.on('error', fail);
    outgoing.end(payload);
  });
}

function timedOut(url: URL, timeoutMs: number): XServerError {
  return new XServerError(
    'timeout',
    `the certificate service at ${url.origin} did not respond within ` +
      `${timeoutMs / 1000} s: check the endpoint and the network, then run the ` +
      'request again',
  );
}

function tooLarge(url: URL): XServerError {
  return new XServerError(
    'bad-response',
    `the certificate service at ${url.origin} sent more than ${MAX_RESPONSE_BYTES} ` +
      'bytes: check that the endpoint is a certificate service',
  );
}

/** Maps a socket or TLS error to its XServerError, keeping the original as the cause. */
export function networkError(error: Error, url: URL): XServerError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const [kind, advice] = classifyNetworkError(code);
  return new XServerError(
    kind,
    `the request to ${url.origin} failed (${code || error.message}): ${advice}; ` +
      'nothing was retried',
    { cause: error },
  );
}

function classifyNetworkError(code: string): [XServerErrorCode, string] {
  if (code === 'ECONNREFUSED') {
    return [
      'connection-refused',
      'nothing accepts connections there; check the endpoint',
    ];
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return [
      'connection-reset',
      'the service closed the connection before it responded; run the request again later',
    ];
  }
  if (isTlsErrorCode(code)) {
    return [
      'tls',
      "the service's TLS certificate was not accepted; check the endpoint's host " +
        'name, and the CA file when the service uses a private CA',
    ];
  }
  return ['network', 'check the endpoint host name and this host’s network access'];
}

function isTlsErrorCode(code: string): boolean {
  return (
    code.startsWith('ERR_SSL_') ||
    code.startsWith('ERR_TLS_') ||
    code.includes('CERT') ||
    code.includes('SELF_SIGNED') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
  );
}
