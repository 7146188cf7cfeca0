import { describe, expect, it } from 'vitest';
import { classifyResponse, parseErrorBody } from '../../../shared/apns/classify.js';

function classify(status: number, reason?: string, extra: Record<string, unknown> = {}) {
  const body = reason === undefined ? '' : JSON.stringify({ reason, ...extra });
  return classifyResponse({ status, body });
}

describe('classifyResponse delivered', () => {
  it('keeps the apns-id of a 200', () => {
    const outcome = classifyResponse({ status: 200, apnsId: 'A-1', body: '' });

    expect(outcome).toEqual({ kind: 'delivered', status: 200, apnsId: 'A-1' });
  });

  it('tolerates a 200 without apns-id', () => {
    const outcome = classifyResponse({ status: 200, body: '' });

    expect(outcome).toEqual({ kind: 'delivered', status: 200, apnsId: '' });
  });
});

describe('classifyResponse token-dead', () => {
  it('reads the 410 Unregistered timestamp', () => {
    const outcome = classify(410, 'Unregistered', { timestamp: 1_700_000_000_123 });

    expect(outcome).toEqual({
      kind: 'token-dead',
      status: 410,
      reason: 'Unregistered',
      timestamp: 1_700_000_000_123,
    });
  });

  it('reads the 410 ExpiredToken timestamp', () => {
    const outcome = classify(410, 'ExpiredToken', { timestamp: 5 });

    expect(outcome).toEqual({
      kind: 'token-dead',
      status: 410,
      reason: 'ExpiredToken',
      timestamp: 5,
    });
  });

  it('leaves out a missing 410 timestamp', () => {
    const outcome = classify(410, 'Unregistered');

    expect(outcome).toEqual({ kind: 'token-dead', status: 410, reason: 'Unregistered' });
    expect('timestamp' in outcome).toBe(false);
  });

  it('ignores a non-numeric timestamp', () => {
    const outcome = classify(410, 'Unregistered', { timestamp: '1700000000000' });

    expect(outcome).toEqual({ kind: 'token-dead', status: 410, reason: 'Unregistered' });
  });

  it('treats 400 BadDeviceToken as dead', () => {
    expect(classify(400, 'BadDeviceToken')).toEqual({
      kind: 'token-dead',
      status: 400,
      reason: 'BadDeviceToken',
    });
  });
});

describe('classifyResponse other kinds', () => {
  it('keeps DeviceTokenNotForTopic as topic-mismatch', () => {
    expect(classify(400, 'DeviceTokenNotForTopic')).toEqual({
      kind: 'topic-mismatch',
      status: 400,
      reason: 'DeviceTokenNotForTopic',
    });
  });

  it.each([
    'BadCertificate',
    'BadCertificateEnvironment',
    'Forbidden',
    'InvalidProviderToken',
    'ExpiredProviderToken',
    'MissingProviderToken',
  ])('maps 403 %s to credential-rejected', (reason) => {
    expect(classify(403, reason)).toEqual({
      kind: 'credential-rejected',
      status: 403,
      reason,
    });
  });

  it.each([
    [429, 'TooManyRequests'],
    [429, 'TooManyProviderTokenUpdates'],
    [500, 'InternalServerError'],
    [503, 'ServiceUnavailable'],
    [503, 'Shutdown'],
  ])('maps %i %s to retryable', (status, reason) => {
    expect(classify(status, reason)).toEqual({ kind: 'retryable', status, reason });
  });

  it.each([
    [400, 'BadTopic'],
    [400, 'BadExpirationDate'],
    [400, 'BadPriority'],
    [400, 'PayloadEmpty'],
    [400, 'TopicDisallowed'],
    [404, 'BadPath'],
    [405, 'MethodNotAllowed'],
    [413, 'PayloadTooLarge'],
    [502, 'BadGateway'],
  ])('maps %i %s to other', (status, reason) => {
    expect(classify(status, reason)).toEqual({ kind: 'other', status, reason });
  });

  it('names the status without a reason', () => {
    const outcome = classifyResponse({ status: 500, body: '<html>oops</html>' });

    expect(outcome).toEqual({ kind: 'retryable', status: 500, reason: 'HTTP 500' });
  });
});

describe('parseErrorBody', () => {
  it('reads reason and timestamp', () => {
    expect(parseErrorBody('{"reason":"Unregistered","timestamp":12}')).toEqual({
      reason: 'Unregistered',
      timestamp: 12,
    });
  });

  it.each([
    '',
    'not json',
    'null',
    '[]',
    '"Unregistered"',
    '{"reason":42}',
    '{"reason":""}',
  ])('returns nothing for %j', (body) => {
    expect(parseErrorBody(body)).toEqual({});
  });
});
