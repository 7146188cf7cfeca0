import type { OutgoingHttpHeaders } from 'node:http2';
import type { PushRequest } from './types.js';

/** Seconds a push stays deliverable when the device is offline: one day. */
export const DEFAULT_EXPIRATION_SECONDS = 86_400;

/**
 * apns-priority to send. Apple's documentation requires 5 for apns-push-type
 * background, so APNs rejects 10 with 400 BadPriority; 'omit' sends no header, as
 * Dovecot's xaps daemon does.
 */
export type ApnsPriority = 5 | 10 | 'omit';

export interface PushRequestOptions {
  expirationSeconds: number;
  priority: ApnsPriority;
}

/** The HTTP/2 request for one push: pseudo-headers, apns-* headers and body. */
export interface HttpPushRequest {
  headers: OutgoingHttpHeaders;
  body: string;
}

export type BuildResult =
  | { ok: true; request: HttpPushRequest }
  | { ok: false; reason: string };

const HEX = /^[0-9a-fA-F]+$/;
// Visible ASCII only: node:http2 throws on control characters in header values.
const HEADER_TOKEN = /^[\x21-\x7e]+$/;
// Printable ASCII with inner spaces allowed.
const HEADER_TEXT = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** Returns the mail push payload: the account id and nothing else. */
export function pushPayload(accountId: string): string {
  return JSON.stringify({ aps: { 'account-id': accountId } });
}

/**
 * Builds the request from Apple's provider API documentation: POST
 * /3/device/<token> with a background push type and an expiration in whole seconds
 * since the epoch. Returns a reason instead when a field cannot go on the wire.
 */
export function buildPushRequest(
  push: PushRequest,
  options: PushRequestOptions,
  nowMs: number,
): BuildResult {
  const invalid = invalidField(push);
  if (invalid !== undefined) return { ok: false, reason: invalid };

  const headers: OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': `/3/device/${push.deviceToken}`,
    'apns-topic': push.topic,
    'apns-push-type': 'background',
    'apns-expiration': String(Math.floor(nowMs / 1000) + options.expirationSeconds),
  };
  if (options.priority !== 'omit') headers['apns-priority'] = String(options.priority);
  if (push.collapseId !== undefined) headers['apns-collapse-id'] = push.collapseId;

  return { ok: true, request: { headers, body: pushPayload(push.accountId) } };
}

function invalidField(push: PushRequest): string | undefined {
  if (!HEX.test(push.deviceToken)) {
    return 'device token is not hexadecimal: store tokens as the hex string the device sent';
  }
  if (!HEADER_TOKEN.test(push.topic)) {
    return `topic '${push.topic}' is empty or contains spaces or non-ASCII characters`;
  }
  if (push.collapseId !== undefined && !HEADER_TEXT.test(push.collapseId)) {
    return `collapse id '${push.collapseId}' is empty, padded or contains non-ASCII characters`;
  }
  return undefined;
}

/** Returns a copy of `request` that carries `jwt` as its provider token. */
export function withProviderToken(
  request: HttpPushRequest,
  jwt: string,
): HttpPushRequest {
  return { ...request, headers: { ...request.headers, authorization: `bearer ${jwt}` } };
}
