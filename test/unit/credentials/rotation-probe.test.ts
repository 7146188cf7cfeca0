import { type AddressInfo, createServer, type Server } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateCredential } from '../../../shared/apns/types.js';
import {
  PROBE_DEVICE_TOKEN,
  type ProbeTarget,
  probeApns,
} from '../../../shared/credentials/rotation/apns-probe.js';
import { probeVerdict } from '../../../shared/credentials/rotation/probe-verdict.js';
import {
  type ApnsHarness,
  startApnsHarness,
} from '../../support/apns-standin-harness.js';
import { createTestCa, issuePushCertificate } from '../../support/pki.js';

let apns: ApnsHarness;

beforeAll(async () => {
  apns = await startApnsHarness();
});

afterAll(async () => {
  await apns.close();
});

function target(overrides: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    credential: apns.credential,
    topic: apns.topic,
    origin: apns.standin.url,
    ca: apns.pki.ca.certPem,
    priority: 5,
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** Runs the probe and returns its verdict. */
async function verdictOf(overrides: Partial<ProbeTarget> = {}) {
  return probeVerdict(await probeApns(target(overrides)));
}

describe('probeApns answers', () => {
  it('sends one push to the probe token', async () => {
    const before = apns.standin.received.length;

    await probeApns(target());
    const push = apns.standin.received.at(-1);

    expect(apns.standin.received.length).toBe(before + 1);
    expect(push?.deviceToken).toBe(PROBE_DEVICE_TOKEN);
    expect(push?.headers['apns-expiration']).toBe('0');
  });

  it('accepts a delivered push', async () => {
    expect((await verdictOf()).verdict).toBe('accepted');
  });

  it.each([
    [400, 'BadDeviceToken', 'accepted'],
    [410, 'Unregistered', 'accepted'],
    [400, 'TopicDisallowed', 'rejected'],
    [403, 'BadCertificate', 'rejected'],
    [403, 'BadCertificateEnvironment', 'rejected'],
    [403, 'Forbidden', 'rejected'],
    [403, 'InvalidProviderToken', 'rejected'],
    [429, 'TooManyRequests', 'unknown'],
    [500, 'InternalServerError', 'unknown'],
    [503, 'ServiceUnavailable', 'unknown'],
  ])('maps %i %s', async (status, reason, verdict) => {
    const deviceToken = `ab${status}${'0'.repeat(59)}`.slice(0, 64);
    apns.standin.program(deviceToken, { status, reason });

    const result = await verdictOf({ deviceToken });

    expect(result.verdict).toBe(verdict);
    expect(result.response).toBe(`${status} ${reason}`);
  });

  it('rejects a topic APNs rejects', async () => {
    const result = await verdictOf({ topic: 'com.apple.mail.XServer.other' });

    expect(result.verdict).toBe('rejected');
    expect(result.response).toBe('400 BadTopic');
  });
});

describe('probeApns connection failures', () => {
  it('rejects a certificate from another CA', async () => {
    const other = issuePushCertificate(createTestCa(), { topic: apns.topic });
    const credential: CertificateCredential = { kind: 'certificate', ...other };

    const result = await probeApns(target({ credential }));

    expect(result.kind).toBe('handshake-refused');
    expect(probeVerdict(result).verdict).toBe('rejected');
  });

  it('rejects a failed TLS 1.2 handshake', async () => {
    // Under TLS 1.2 the server checks the client certificate inside the handshake.
    const server = tls.createServer({
      ca: apns.pki.ca.certPem,
      cert: apns.pki.server.certPem,
      key: apns.pki.server.keyPem,
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion: 'TLSv1.2',
      ALPNProtocols: ['h2'],
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const other = issuePushCertificate(createTestCa(), { topic: apns.topic });
    try {
      const result = await probeApns(
        target({
          credential: { kind: 'certificate', ...other },
          origin: `https://127.0.0.1:${port}`,
        }),
      );

      expect(result.kind).toBe('handshake-refused');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('leaves an untrusted server unknown', async () => {
    const result = await verdictOf({ ca: createTestCa().certPem });

    expect(result.verdict).toBe('unknown');
    expect(result.detail).toMatch(/XAPS_APNS_CA/);
  });

  it('leaves a closed port unknown', async () => {
    const port = await freePort();

    const result = await probeApns(target({ origin: `https://127.0.0.1:${port}` }));

    expect(result.kind).toBe('no-answer');
    expect(probeVerdict(result).verdict).toBe('unknown');
  });

  it('leaves a silent server unknown', async () => {
    apns.standin.hold();
    try {
      const result = await probeApns(target({ timeoutMs: 300 }));

      expect(result).toEqual({
        kind: 'no-answer',
        detail: 'no answer from APNs within 300 ms',
      });
    } finally {
      apns.standin.release();
    }
  });
});

/** Returns a loopback port with nothing listening on it. */
async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
