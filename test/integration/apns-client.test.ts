import { type AddressInfo, createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApnsHarness,
  reasonOf,
  startApnsHarness,
  testDeviceToken,
} from '../support/apns-standin-harness.js';
import { createTestPki } from '../support/pki.js';

let harness: ApnsHarness;

beforeEach(async () => {
  harness = await startApnsHarness();
});

afterEach(async () => {
  await harness.close();
});

describe('ApnsClient request', () => {
  it('sends every documented header', async () => {
    const now = 1_767_225_600_123;
    const client = harness.newClient({ now: () => now });

    const outcome = await client.push({ ...harness.push(1), collapseId: 'inbox' });

    expect(outcome.kind).toBe('delivered');
    const received = harness.standin.received[0];
    expect(received?.headers[':method']).toBe('POST');
    expect(received?.headers[':path']).toBe(`/3/device/${testDeviceToken(1)}`);
    expect(received?.headers['apns-topic']).toBe(harness.topic);
    expect(received?.headers['apns-push-type']).toBe('background');
    expect(received?.headers['apns-expiration']).toBe('1767312000');
    expect(received?.headers['apns-priority']).toBe('5');
    expect(received?.headers['apns-collapse-id']).toBe('inbox');
    expect(received?.headers.authorization).toBeUndefined();
  });

  it('sends the exact account-id body', async () => {
    const client = harness.newClient();

    await client.push(harness.push(1, '0715A26B-0000-0000-0000-793000CA982E'));

    expect(harness.standin.received[0]?.body).toBe(
      '{"aps":{"account-id":"0715A26B-0000-0000-0000-793000CA982E"}}',
    );
  });

  it('returns the apns-id of a delivery', async () => {
    const client = harness.newClient();

    const outcome = await client.push(harness.push(1));

    const apnsId = outcome.kind === 'delivered' ? outcome.apnsId : undefined;

    expect(outcome.kind).toBe('delivered');
    expect(apnsId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('omits apns-priority when configured', async () => {
    const client = harness.newClient({ priority: 'omit' });

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe('delivered');
    expect(harness.standin.received[0]?.headers['apns-priority']).toBeUndefined();
  });

  it('honours a configured expiration', async () => {
    const client = harness.newClient({ expirationSeconds: 60, now: () => 2_000_000_999 });

    await client.push(harness.push(1));

    expect(harness.standin.received[0]?.headers['apns-expiration']).toBe('2000060');
  });

  it('sends no collapse id by default', async () => {
    const client = harness.newClient();

    await client.push(harness.push(1));

    expect(harness.standin.received[0]?.headers['apns-collapse-id']).toBeUndefined();
  });
});

describe('ApnsClient session', () => {
  it('opens no session before pushing', () => {
    const client = harness.newClient();

    expect(client.sessionsOpened).toBe(0);
    expect(client.connected).toBe(false);
    expect(harness.standin.tlsConnections).toBe(0);
  });

  it('reuses one session for many pushes', async () => {
    const client = harness.newClient();

    await client.push(harness.push(0));
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.push(harness.push(i + 1))),
    );

    expect(outcomes.every((outcome) => outcome.kind === 'delivered')).toBe(true);
    expect(client.sessionsOpened).toBe(1);
    expect(client.connected).toBe(true);
    expect(harness.standin.http2Sessions).toBe(1);
    expect(harness.standin.tlsConnections).toBe(1);
  });

  it('rejects pushes after close', async () => {
    const client = harness.newClient();
    await client.push(harness.push(1));

    await client.close();

    expect(client.connected).toBe(false);
    await expect(client.push(harness.push(2))).rejects.toThrow(/ApnsClient is closed/);
  });
});

describe('ApnsClient outcomes', () => {
  it('reports 410 with its timestamp', async () => {
    harness.standin.program(testDeviceToken(1), {
      status: 410,
      reason: 'Unregistered',
      timestamp: 1_700_000_000_123,
    });
    const client = harness.newClient();

    const outcome = await client.push(harness.push(1));

    expect(outcome).toEqual({
      kind: 'token-dead',
      status: 410,
      reason: 'Unregistered',
      timestamp: 1_700_000_000_123,
    });
  });

  it.each([
    [400, 'BadDeviceToken', 'token-dead'],
    [400, 'DeviceTokenNotForTopic', 'topic-mismatch'],
    [403, 'BadCertificate', 'credential-rejected'],
    [403, 'BadCertificateEnvironment', 'credential-rejected'],
    [403, 'Forbidden', 'credential-rejected'],
    [429, 'TooManyRequests', 'retryable'],
    [500, 'InternalServerError', 'retryable'],
    [503, 'ServiceUnavailable', 'retryable'],
    [400, 'TopicDisallowed', 'other'],
  ])('maps %i %s to %s', async (status, reason, kind) => {
    harness.standin.program(testDeviceToken(1), { status, reason });
    const client = harness.newClient();

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe(kind);
    expect(outcome.status).toBe(status);
    expect(reasonOf(outcome)).toBe(reason);
  });

  it('reports priority 10 as BadPriority', async () => {
    const client = harness.newClient({ priority: 10 });

    const outcome = await client.push(harness.push(1));

    expect(outcome).toEqual({ kind: 'other', status: 400, reason: 'BadPriority' });
  });

  it('reports a wrong topic as BadTopic', async () => {
    const client = harness.newClient();

    const outcome = await client.push({
      ...harness.push(1),
      topic: 'com.apple.mail.other',
    });

    expect(outcome).toEqual({ kind: 'other', status: 400, reason: 'BadTopic' });
  });

  it('lets APNs judge a short token', async () => {
    const client = harness.newClient();

    const outcome = await client.push({ ...harness.push(1), deviceToken: 'abcd' });

    expect(outcome).toEqual({
      kind: 'token-dead',
      status: 400,
      reason: 'BadDeviceToken',
    });
  });

  it('sends nothing for a non-hex token', async () => {
    const client = harness.newClient();

    const outcome = await client.push({ ...harness.push(1), deviceToken: '../../x' });

    expect(outcome.kind).toBe('other');
    expect(harness.standin.received).toHaveLength(0);
    expect(client.sessionsOpened).toBe(0);
  });
});

describe('ApnsClient failures', () => {
  it('times out a held response', async () => {
    const client = harness.newClient({ requestTimeoutMs: 300 });
    harness.standin.hold();

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe('retryable');
    expect(outcome.status).toBeUndefined();
    expect(reasonOf(outcome)).toMatch(/^RequestTimeout/);
    expect(harness.standin.delivered).toHaveLength(0);
  });

  it('opens a new session after a timeout', async () => {
    const client = harness.newClient({ requestTimeoutMs: 300 });
    harness.standin.hold();
    await client.push(harness.push(1));
    harness.standin.release();

    const outcome = await client.push(harness.push(2));

    expect(outcome.kind).toBe('delivered');
    expect(client.sessionsOpened).toBe(2);
  });

  it('times out a silent server', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const client = harness.newClient({
      endpoint: `https://127.0.0.1:${port}`,
      requestTimeoutMs: 300,
    });

    const outcome = await client.push(harness.push(1));
    await client.close();
    silent.close();

    expect(outcome.kind).toBe('retryable');
    expect(reasonOf(outcome)).toMatch(/^RequestTimeout/);
    expect(client.connected).toBe(false);
  });

  it('reports a refused connection as retryable', async () => {
    const url = harness.standin.url;
    await harness.standin.close();
    const client = harness.newClient({ endpoint: url });

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe('retryable');
    expect(reasonOf(outcome)).toMatch(/ECONNREFUSED/);
  });

  it('reports an untrusted server as retryable', async () => {
    const client = harness.newClient({ ca: harness.pki.client.certPem });

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe('retryable');
    expect(reasonOf(outcome)).toMatch(/self-signed certificate/);
    expect(harness.standin.received).toHaveLength(0);
  });
});

describe('ApnsClient TLS identity', () => {
  it('reports a foreign client certificate', async () => {
    const foreign = createTestPki();
    const client = harness.newClient({
      credential: { kind: 'certificate', ...foreign.client },
    });

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe('retryable');
    expect(reasonOf(outcome)).toMatch(/rejected client certificate/);
    expect(harness.standin.received).toHaveLength(0);
  });
});
