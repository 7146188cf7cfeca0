import { describe, expect, it } from 'vitest';
import {
  buildPushRequest,
  DEFAULT_EXPIRATION_SECONDS,
  type PushRequestOptions,
  pushPayload,
} from '../../../shared/apns/request.js';
import type { PushRequest } from '../../../shared/apns/types.js';

const token = 'ab'.repeat(32);
const push: PushRequest = {
  deviceToken: token,
  topic: 'com.apple.mail.XServer.7c1f1d1e-0000-4000-8000-000000000000',
  accountId: '0715A26B-0000-0000-0000-793000CA982E',
};
const defaults: PushRequestOptions = { expirationSeconds: 86_400, priority: 5 };
const now = 1_767_225_600_999;

function build(request: PushRequest = push, options = defaults) {
  const result = buildPushRequest(request, options, now);
  if (!result.ok) throw new Error(result.reason);
  return result.request;
}

describe('buildPushRequest headers', () => {
  it('builds the documented headers', () => {
    expect(build().headers).toEqual({
      ':method': 'POST',
      ':path': `/3/device/${token}`,
      'apns-topic': push.topic,
      'apns-push-type': 'background',
      'apns-expiration': '1767312000',
      'apns-priority': '5',
    });
  });

  it('defaults expiration to one day', () => {
    expect(DEFAULT_EXPIRATION_SECONDS).toBe(86_400);
  });

  it('rounds expiration down to seconds', () => {
    const headers = build(push, { expirationSeconds: 0, priority: 5 }).headers;

    expect(headers['apns-expiration']).toBe('1767225600');
  });

  it('omits apns-priority on request', () => {
    const headers = build(push, { expirationSeconds: 60, priority: 'omit' }).headers;

    expect('apns-priority' in headers).toBe(false);
  });

  it('sends priority 10 when configured', () => {
    const headers = build(push, { expirationSeconds: 60, priority: 10 }).headers;

    expect(headers['apns-priority']).toBe('10');
  });

  it('adds a collapse id when given', () => {
    const headers = build({ ...push, collapseId: 'mail inbox' }).headers;

    expect(headers['apns-collapse-id']).toBe('mail inbox');
  });

  it('keeps the token case as given', () => {
    const upper = token.toUpperCase();

    expect(build({ ...push, deviceToken: upper }).headers[':path']).toBe(
      `/3/device/${upper}`,
    );
  });
});

describe('buildPushRequest body', () => {
  it('sends only the account id', () => {
    expect(build().body).toBe(
      '{"aps":{"account-id":"0715A26B-0000-0000-0000-793000CA982E"}}',
    );
  });

  it('escapes quotes in the account id', () => {
    expect(pushPayload('a"b')).toBe('{"aps":{"account-id":"a\\"b"}}');
  });
});

describe('buildPushRequest rejects', () => {
  it.each(['', 'xyz', '../../3/device/ab', 'ab cd'])(
    'rejects token %j',
    (deviceToken) => {
      const result = buildPushRequest({ ...push, deviceToken }, defaults, now);

      expect(result.ok).toBe(false);
    },
  );

  it.each(['', 'com.apple.mail x', 'com.apple.mail\r\nx'])(
    'rejects topic %j',
    (topic) => {
      const result = buildPushRequest({ ...push, topic }, defaults, now);

      expect(result.ok).toBe(false);
    },
  );

  it.each(['', ' padded', 'line\nbreak'])('rejects collapse id %j', (collapseId) => {
    const result = buildPushRequest({ ...push, collapseId }, defaults, now);

    expect(result.ok).toBe(false);
  });

  it('keeps the token out of its reason', () => {
    const secretToken = `${'c'.repeat(63)}z`;
    const result = buildPushRequest({ ...push, deviceToken: secretToken }, defaults, now);

    const reason = result.ok ? '' : result.reason;

    expect(reason).toMatch(/not hexadecimal/);
    expect(reason).not.toContain(secretToken);
  });
});
