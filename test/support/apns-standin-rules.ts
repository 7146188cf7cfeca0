import type { IncomingHttpHeaders } from 'node:http2';

/**
 * Request rules of Apple's APNs provider API ("Sending notification requests to APNs"
 * and "Handling notification responses from APNs"), written from that documentation
 * and never from what the client under test sends.
 */

/** Maximum payload of a non-VoIP push in bytes. */
export const MAX_PAYLOAD_BYTES = 4096;
/** Maximum apns-collapse-id length in bytes. */
export const MAX_COLLAPSE_ID_BYTES = 64;

/** apns-push-type values listed in Apple's documentation. */
export const PUSH_TYPES = new Set([
  'alert',
  'background',
  'location',
  'voip',
  'complication',
  'fileprovider',
  'mdm',
  'liveactivity',
  'pushtotalk',
  'widgets',
  'controls',
]);

/** An error response: HTTP status and Apple's reason string. */
export interface RuleViolation {
  status: number;
  reason: string;
}

/** The parts of one request that the rules check. */
export interface RequestFacts {
  headers: IncomingHttpHeaders;
  /** Header names and values as received, to spot repeated headers. */
  rawHeaders: string[];
  body: Buffer;
  /** Subject UID of the client certificate that opened the connection. */
  certificateTopic: string | undefined;
  /** In bearer-token mode: the topics of the key that signed the request's token. */
  tokenTopics?: readonly string[];
}

const DEVICE_PATH = /^\/3\/device\/(.*)$/;
// Even-length hex: 64 characters today, longer tokens reported by other providers.
const DEVICE_TOKEN = /^(?:[0-9a-fA-F]{2}){32,100}$/;
const UUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// A seconds count this large is a year past 5000: the sender used milliseconds.
const MAX_EXPIRATION_SECONDS = 1e11;

/** Returns the device token from a /3/device/<token> path, or undefined. */
export function deviceTokenOf(path: string | undefined): string | undefined {
  return DEVICE_PATH.exec(path ?? '')?.[1];
}

/** Returns the first rule the request breaks, or undefined when APNs would accept it. */
export function checkPushRequest(facts: RequestFacts): RuleViolation | undefined {
  return (
    checkMethodAndPath(facts.headers) ??
    checkRepeatedHeaders(facts.rawHeaders) ??
    checkTopic(
      facts.headers['apns-topic'],
      facts.tokenTopics ?? [facts.certificateTopic ?? ''],
    ) ??
    checkPushTypeAndPriority(facts.headers) ??
    checkExpiration(facts.headers['apns-expiration']) ??
    checkIds(facts.headers) ??
    checkPayload(facts.body)
  );
}

function checkMethodAndPath(headers: IncomingHttpHeaders): RuleViolation | undefined {
  if (headers[':method'] !== 'POST') return { status: 405, reason: 'MethodNotAllowed' };

  const token = deviceTokenOf(headers[':path']);
  if (token === undefined) return { status: 404, reason: 'BadPath' };
  if (token === '') return { status: 400, reason: 'MissingDeviceToken' };
  if (!DEVICE_TOKEN.test(token)) return { status: 400, reason: 'BadDeviceToken' };
  return undefined;
}

function checkRepeatedHeaders(rawHeaders: string[]): RuleViolation | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!name.startsWith('apns-')) continue;
    if (seen.has(name)) return { status: 400, reason: 'DuplicateHeaders' };
    seen.add(name);
  }
  return undefined;
}

function checkTopic(
  topic: string | string[] | undefined,
  allowedTopics: readonly string[],
): RuleViolation | undefined {
  // Apple would fall back to the certificate's topic; the stand-in demands the header.
  if (topic === undefined || topic === '') return { status: 400, reason: 'MissingTopic' };
  if (!allowedTopics.includes(String(topic))) return { status: 400, reason: 'BadTopic' };
  return undefined;
}

function checkPushTypeAndPriority(
  headers: IncomingHttpHeaders,
): RuleViolation | undefined {
  const pushType = headers['apns-push-type'];
  if (pushType !== undefined && !PUSH_TYPES.has(String(pushType))) {
    return { status: 400, reason: 'InvalidPushType' };
  }

  const priority = headers['apns-priority'];
  if (priority === undefined) return undefined;
  if (priority !== '1' && priority !== '5' && priority !== '10') {
    return { status: 400, reason: 'BadPriority' };
  }
  // Apple: a background push must carry apns-priority 5.
  if (pushType === 'background' && priority !== '5') {
    return { status: 400, reason: 'BadPriority' };
  }
  return undefined;
}

function checkExpiration(
  value: string | string[] | undefined,
): RuleViolation | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) >= MAX_EXPIRATION_SECONDS) {
    return { status: 400, reason: 'BadExpirationDate' };
  }
  return undefined;
}

function checkIds(headers: IncomingHttpHeaders): RuleViolation | undefined {
  const collapseId = headers['apns-collapse-id'];
  if (
    collapseId !== undefined &&
    Buffer.byteLength(String(collapseId)) > MAX_COLLAPSE_ID_BYTES
  ) {
    return { status: 400, reason: 'BadCollapseId' };
  }
  const apnsId = headers['apns-id'];
  if (apnsId !== undefined && !UUID.test(String(apnsId))) {
    return { status: 400, reason: 'BadMessageId' };
  }
  return undefined;
}

function checkPayload(body: Buffer): RuleViolation | undefined {
  if (body.length > MAX_PAYLOAD_BYTES) return { status: 413, reason: 'PayloadTooLarge' };
  if (body.length === 0) return { status: 400, reason: 'PayloadEmpty' };

  // NOTE: Apple documents no reason for malformed JSON; the stand-in returns PayloadEmpty.
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { status: 400, reason: 'PayloadEmpty' };
    }
  } catch {
    return { status: 400, reason: 'PayloadEmpty' };
  }
  return undefined;
}
