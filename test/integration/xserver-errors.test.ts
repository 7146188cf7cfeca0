import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestXServerCertificate } from '../../shared/credentials/xserver/client.js';
import { XServerError } from '../../shared/credentials/xserver/errors.js';
import {
  startXServerHarness,
  type XServerHarness,
} from '../support/apple-certificate-service-harness.js';

let harness: XServerHarness;

beforeAll(async () => {
  harness = await startXServerHarness();
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => {
  harness.standin.failWith(undefined);
});

/** Runs one request and returns its XServerError and how many requests reached the stand-in. */
async function failedRequest(
  options = harness.clientOptions(),
): Promise<{ error: XServerError; requests: number }> {
  const before = harness.standin.requestCount;
  const error = await requestXServerCertificate(options).then(
    () => {
      throw new Error('the request succeeded');
    },
    (caught: unknown) => caught,
  );
  if (!(error instanceof XServerError)) throw error;
  return { error, requests: harness.standin.requestCount - before };
}

describe('XServer service errors', () => {
  it('names the discontinued route', async () => {
    harness.standin.failWith('service-discontinued');
    const { error, requests } = await failedRequest();

    expect(error.code).toBe('service-discontinued');
    expect(error.serviceErrorCode).toBe(-80010);
    expect(error.message).toContain('ServiceType is Invalid.');
    expect(error.message).toContain('Apple stopped issuing XServer push certificates');
    expect(requests).toBe(1);
  });

  it('names an invalid session', async () => {
    harness.standin.failWith('invalid-session');
    const { error, requests } = await failedRequest();

    expect(error.code).toBe('invalid-session');
    expect(error.serviceErrorCode).toBe(-20358);
    expect(error.message).toContain('Invalid Session');
    expect(error.message).toContain('vendor identities');
    expect(requests).toBe(1);
  });

  it('names rejected Apple ID credentials', async () => {
    harness.standin.failWith('bad-credentials');
    const { error, requests } = await failedRequest();

    expect(error.code).toBe('bad-credentials');
    expect(error.serviceErrorCode).toBe(-80004);
    expect(error.message).toContain('Apple ID or its password was rejected');
    expect(requests).toBe(1);
  });

  it('rejects a wrong password once', async () => {
    const { error, requests } = await failedRequest({
      ...harness.clientOptions(),
      password: 'wrong password',
    });

    expect(error.code).toBe('bad-credentials');
    expect(error.message).not.toContain('wrong password');
    expect(harness.standin.received.at(-1)?.rejection?.reason).toBe('account');
    expect(requests).toBe(1);
  });

  it('reports an HTML 502 page', async () => {
    harness.standin.failWith('html-502');
    const { error, requests } = await failedRequest();

    expect(error.code).toBe('http-error');
    expect(error.httpStatus).toBe(502);
    expect(error.message).toContain("HTML page ('502 Bad Gateway')");
    expect(requests).toBe(1);
  });

  it('reports a reset connection', async () => {
    harness.standin.failWith('connection-reset');
    const { error, requests } = await failedRequest();

    expect(error.code).toBe('connection-reset');
    expect(error.message).toContain('ECONNRESET');
    expect(requests).toBe(1);
  });

  it('gives up after the timeout', async () => {
    harness.standin.failWith('no-response');
    const { error, requests } = await failedRequest({
      ...harness.clientOptions(),
      timeoutMs: 300,
    });

    expect(error.code).toBe('timeout');
    expect(error.message).toContain('did not respond within 0.3 s');
    expect(requests).toBe(1);
  });

  it('rejects an untrusted TLS certificate', async () => {
    const { ca: _ca, ...withoutCa } = harness.clientOptions();
    const { error, requests } = await failedRequest(withoutCa);

    expect(error.code).toBe('tls');
    expect(error.message).toContain('TLS certificate was not accepted');
    expect(requests).toBe(0);
  });
});

describe('XServer request checks', () => {
  it('sends nothing without a password', async () => {
    const { error, requests } = await failedRequest({
      ...harness.clientOptions(),
      password: '',
    });

    expect(error.code).toBe('invalid-request');
    expect(error.message).toContain('password');
    expect(requests).toBe(0);
  });

  it('sends nothing without an endpoint', async () => {
    const { error, requests } = await failedRequest({
      ...harness.clientOptions(),
      endpoint: '',
    });

    expect(error.code).toBe('invalid-request');
    expect(requests).toBe(0);
  });
});

describe('XServer refused connection', () => {
  it('reports a refused connection', async () => {
    const refused = await startXServerHarness();
    const options = refused.clientOptions();
    await refused.standin.stopListening();

    const error = await requestXServerCertificate(options).catch(
      (caught: unknown) => caught,
    );
    await refused.close();

    expect(error).toBeInstanceOf(XServerError);
    expect((error as XServerError).code).toBe('connection-refused');
    expect((error as XServerError).message).toContain('ECONNREFUSED');
  });
});
