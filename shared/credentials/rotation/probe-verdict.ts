import type { ProbeResult } from './apns-probe.js';

/**
 * Verdict of one probe push on a credential: accepted (APNs authenticated it for the
 * topic), rejected (APNs rejected the credential or the topic), or unknown (APNs failed
 * or could not be reached, so a later try may decide).
 */
export interface ProbeVerdict {
  verdict: 'accepted' | 'rejected' | 'unknown';
  /** APNs status and reason, or the connection failure, for logs and errors. */
  response: string;
  /** Meaning of the response, and what to do about it. */
  detail: string;
}

/** 400 reasons that mean the credential may not push to the topic. */
const TOPIC_REJECTIONS = new Set(['BadTopic', 'TopicDisallowed', 'MissingTopic']);
/** Reasons APNs returns only after it authenticated the credential for the topic. */
const TOKEN_REASONS = new Set([
  'BadDeviceToken',
  'DeviceTokenNotForTopic',
  'Unregistered',
  'ExpiredToken',
]);

/**
 * Maps a probe result to a verdict, from the status codes and reasons of Apple's
 * "Handling notification responses from APNs". The probe token belongs to no device, so
 * a reason about the token means the credential and topic passed.
 */
export function probeVerdict(result: ProbeResult): ProbeVerdict {
  switch (result.kind) {
    case 'handshake-refused':
      return {
        verdict: 'rejected',
        response: `TLS: ${result.detail}`,
        detail: 'APNs rejected the TLS connection made with this credential',
      };
    case 'server-untrusted':
      return {
        verdict: 'unknown',
        response: `TLS: ${result.detail}`,
        detail:
          "this side does not trust the APNs server's certificate (a TLS-inspecting " +
          'proxy?): set XAPS_APNS_CA to its CA file',
      };
    case 'no-answer':
      return {
        verdict: 'unknown',
        response: result.detail,
        detail: 'APNs could not be reached',
      };
    case 'response':
      return responseVerdict(result.status, result.reason);
  }
}

function responseVerdict(status: number, reason: string | undefined): ProbeVerdict {
  const response = reason === undefined ? `HTTP ${status}` : `${status} ${reason}`;
  if (status === 200) {
    return { verdict: 'accepted', response, detail: 'APNs accepted the push' };
  }
  if (
    reason !== undefined &&
    TOKEN_REASONS.has(reason) &&
    (status === 400 || status === 410)
  ) {
    return {
      verdict: 'accepted',
      response,
      detail:
        'APNs authenticated the credential for the topic and rejected only the unused ' +
        'device token. The wrong APNs environment also returns BadDeviceToken, ' +
        "so check that XAPS_APNS_ENDPOINT (or the credential's environment) is right",
    };
  }
  if (status === 403) {
    return {
      verdict: 'rejected',
      response,
      detail:
        reason === 'BadCertificateEnvironment'
          ? 'the certificate is for the other APNs environment: fix XAPS_APNS_ENDPOINT or the environment recorded at import'
          : 'APNs rejected the credential',
    };
  }
  if (status === 400 && reason !== undefined && TOPIC_REJECTIONS.has(reason)) {
    return {
      verdict: 'rejected',
      response,
      detail: 'APNs rejected the topic for this credential',
    };
  }
  if (status === 429 || status >= 500) {
    return {
      verdict: 'unknown',
      response,
      detail: 'APNs is busy or failing; try again later',
    };
  }
  return {
    verdict: 'unknown',
    response,
    detail:
      'APNs rejected the probe request itself, which tells nothing about the credential',
  };
}
