import http2, { type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ApnsHarness,
  startApnsHarness,
  testDeviceToken,
} from '../support/apns-standin-harness.js';
import { createTestPki, type TestIdentity } from '../support/pki.js';

let harness: ApnsHarness;
let sessions: ClientHttp2Session[];

beforeEach(async () => {
  harness = await startApnsHarness();
  sessions = [];
});

afterEach(async () => {
  for (const session of sessions) session.destroy();
  await harness.close();
});

interface RawResponse {
  status: number | undefined;
  body: string;
}

/** Sends one hand-built request, so each rule is tested apart from ApnsClient. */
function rawRequest(
  headers: OutgoingHttpHeaders,
  body: string,
  identity: TestIdentity = harness.pki.client,
): Promise<RawResponse> {
  const session = http2.connect(harness.standin.url, {
    ca: harness.pki.ca.certPem,
    cert: identity.certPem,
    key: identity.keyPem,
  });
  sessions.push(session);
  session.on('error', () => {});

  return new Promise((resolve) => {
    const stream = session.request({ ':method': 'POST', ...headers });
    let status: number | undefined;
    const chunks: Buffer[] = [];
    stream.on('response', (response) => {
      status = response[':status'];
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => {});
    stream.on('close', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
    stream.end(body);
  });
}

function validHeaders(): OutgoingHttpHeaders {
  return {
    ':path': `/3/device/${testDeviceToken(1)}`,
    'apns-topic': harness.topic,
    'apns-push-type': 'background',
    'apns-expiration': String(Math.floor(Date.now() / 1000) + 86_400),
    'apns-priority': '5',
  };
}

const validBody = '{"aps":{"account-id":"A"}}';

async function reasonFor(
  headers: OutgoingHttpHeaders,
  body = validBody,
): Promise<string> {
  const response = await rawRequest(headers, body);
  return `${response.status} ${JSON.parse(response.body || '{}').reason ?? ''}`.trim();
}

describe('stand-in request rules', () => {
  it('accepts a documented request', async () => {
    expect(await reasonFor(validHeaders())).toBe('200');
  });

  it.each([
    ['PUT method', { ':method': 'PUT' }, '405 MethodNotAllowed'],
    ['wrong path', { ':path': '/2/device/00' }, '404 BadPath'],
    ['empty token', { ':path': '/3/device/' }, '400 MissingDeviceToken'],
    [
      'odd-length token',
      { ':path': `/3/device/${'a'.repeat(65)}` },
      '400 BadDeviceToken',
    ],
    ['short token', { ':path': `/3/device/${'a'.repeat(62)}` }, '400 BadDeviceToken'],
    ['long token', { ':path': `/3/device/${'a'.repeat(202)}` }, '400 BadDeviceToken'],
    ['missing topic', { 'apns-topic': undefined }, '400 MissingTopic'],
    ['foreign topic', { 'apns-topic': 'com.apple.mail.other' }, '400 BadTopic'],
    ['unknown push type', { 'apns-push-type': 'mail' }, '400 InvalidPushType'],
    ['priority 10', { 'apns-priority': '10' }, '400 BadPriority'],
    ['priority 7', { 'apns-priority': '7' }, '400 BadPriority'],
    [
      'expiration in ms',
      { 'apns-expiration': String(Date.now()) },
      '400 BadExpirationDate',
    ],
    [
      'fractional expiration',
      { 'apns-expiration': '1767312000.5' },
      '400 BadExpirationDate',
    ],
    ['long collapse id', { 'apns-collapse-id': 'c'.repeat(65) }, '400 BadCollapseId'],
    ['malformed apns-id', { 'apns-id': 'not-a-uuid' }, '400 BadMessageId'],
  ])('rejects %s', async (_name, override, expected) => {
    const headers: OutgoingHttpHeaders = { ...validHeaders(), ...override };
    for (const [key, value] of Object.entries(headers)) {
      if (value === undefined) delete headers[key];
    }

    expect(await reasonFor(headers)).toBe(expected);
  });

  it('accepts a 200-character token', async () => {
    const headers = { ...validHeaders(), ':path': `/3/device/${'ab'.repeat(100)}` };

    expect(await reasonFor(headers)).toBe('200');
  });

  it('accepts an omitted priority', async () => {
    const headers = validHeaders();
    delete headers['apns-priority'];

    expect(await reasonFor(headers)).toBe('200');
  });

  it('rejects an empty payload', async () => {
    expect(await reasonFor(validHeaders(), '')).toBe('400 PayloadEmpty');
  });

  it('rejects a non-JSON payload', async () => {
    expect(await reasonFor(validHeaders(), 'aps')).toBe('400 PayloadEmpty');
  });

  it('rejects a 4097-byte payload', async () => {
    const body = JSON.stringify({ aps: { 'account-id': 'x'.repeat(4072) } });
    expect(Buffer.byteLength(body)).toBe(4097);

    expect(await reasonFor(validHeaders(), body)).toBe('413 PayloadTooLarge');
  });

  it('accepts a 4096-byte payload', async () => {
    const body = JSON.stringify({ aps: { 'account-id': 'x'.repeat(4071) } });
    expect(Buffer.byteLength(body)).toBe(4096);

    expect(await reasonFor(validHeaders(), body)).toBe('200');
  });
});

describe('stand-in TLS', () => {
  it('rejects a client without certificate', async () => {
    const response = await rawRequest(validHeaders(), validBody, {
      certPem: '',
      keyPem: '',
    });

    expect(response.status).toBeUndefined();
    expect(harness.standin.received).toHaveLength(0);
  });

  it('rejects a certificate from another CA', async () => {
    const foreign = createTestPki();

    const response = await rawRequest(validHeaders(), validBody, foreign.client);

    expect(response.status).toBeUndefined();
    expect(harness.standin.received).toHaveLength(0);
  });
});

describe('stand-in programming', () => {
  it('returns a programmed 410', async () => {
    harness.standin.program(testDeviceToken(1), {
      status: 410,
      reason: 'Unregistered',
      timestamp: 1_700_000_000_000,
    });

    const response = await rawRequest(validHeaders(), validBody);

    expect(response.status).toBe(410);
    expect(JSON.parse(response.body)).toEqual({
      reason: 'Unregistered',
      timestamp: 1_700_000_000_000,
    });
  });

  it('holds responses until release', async () => {
    harness.standin.hold();
    let settled = false;
    const pending = rawRequest(validHeaders(), validBody).then((result) => {
      settled = true;
      return result;
    });
    await vi.waitFor(() => expect(harness.standin.received).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(settled).toBe(false);
    harness.standin.release();
    expect((await pending).status).toBe(200);
  });

  it('records the body and token', async () => {
    await rawRequest(validHeaders(), validBody);

    const received = harness.standin.received[0];
    expect(received?.deviceToken).toBe(testDeviceToken(1));
    expect(received?.body).toBe(validBody);
    expect(received?.status).toBe(200);
  });
});
