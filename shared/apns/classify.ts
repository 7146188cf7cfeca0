import type { PushOutcome } from './types.js';

/** One HTTP/2 response from APNs, as read off the stream. */
export interface ApnsResponse {
  status: number;
  /** The apns-id response header. */
  apnsId?: string | undefined;
  /** The raw response body: empty on success, a JSON object on errors. */
  body: string;
}

/** The fields of an APNs error body. */
export interface ApnsErrorBody {
  reason?: string;
  /** Epoch ms at which APNs saw the token stop being valid (410 responses only). */
  timestamp?: number;
}

/**
 * Maps an APNs response to what the caller should do, following the status codes and
 * reasons in Apple's "Handling notification responses from APNs" documentation.
 */
export function classifyResponse(response: ApnsResponse): PushOutcome {
  const { status } = response;
  if (status === 200) {
    return { kind: 'delivered', status: 200, apnsId: response.apnsId ?? '' };
  }

  const body = parseErrorBody(response.body);
  const reason = body.reason ?? `HTTP ${status}`;

  switch (status) {
    case 410:
      // Unregistered or ExpiredToken: the device is gone unless it registered again later.
      return body.timestamp === undefined
        ? { kind: 'token-dead', status: 410, reason }
        : { kind: 'token-dead', status: 410, reason, timestamp: body.timestamp };
    case 400:
      return classifyBadRequest(reason);
    case 403:
      return { kind: 'credential-rejected', status: 403, reason };
    case 429:
    case 500:
    case 503:
      return { kind: 'retryable', status, reason };
    default:
      return { kind: 'other', status, reason };
  }
}

function classifyBadRequest(reason: string): PushOutcome {
  if (reason === 'BadDeviceToken') {
    return { kind: 'token-dead', status: 400, reason };
  }
  if (reason === 'DeviceTokenNotForTopic') {
    // The device has not picked up the current topic yet: keep its registration.
    return { kind: 'topic-mismatch', status: 400, reason };
  }
  return { kind: 'other', status: 400, reason };
}

/** Reads `reason` and `timestamp` from an error body; anything unexpected is dropped. */
export function parseErrorBody(body: string): ApnsErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};

  const { reason, timestamp } = parsed as Record<string, unknown>;
  const result: ApnsErrorBody = {};
  if (typeof reason === 'string' && reason !== '') result.reason = reason;
  if (typeof timestamp === 'number' && Number.isFinite(timestamp)) {
    result.timestamp = timestamp;
  }
  return result;
}

/** Builds the outcome of a push that never got a response: a timeout or a lost connection. */
export function noResponseOutcome(reason: string): PushOutcome {
  return { kind: 'retryable', reason };
}
