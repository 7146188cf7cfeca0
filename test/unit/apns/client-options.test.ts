import { describe, expect, it } from 'vitest';
import { ApnsClient, type ApnsClientOptions } from '../../../shared/apns/client.js';
import type { ApnsPriority } from '../../../shared/apns/request.js';
import { silentLogger } from '../../support/apns-standin-harness.js';
import {
  createTestCa,
  generateRsaKeyPem,
  issuePushCertificate,
} from '../../support/pki.js';

const ca = createTestCa();
const identity = issuePushCertificate(ca);

function options(overrides: Partial<ApnsClientOptions> = {}): ApnsClientOptions {
  return {
    credential: {
      kind: 'certificate',
      certPem: identity.certPem,
      keyPem: identity.keyPem,
    },
    endpoint: 'https://127.0.0.1:9',
    logger: silentLogger,
    ...overrides,
  };
}

describe('ApnsClient options', () => {
  it('connects lazily to production', async () => {
    const client = new ApnsClient(options({ endpoint: 'production' }));

    expect(client.sessionsOpened).toBe(0);
    expect(client.connected).toBe(false);
    await client.close();
  });

  it.each([-1, 1.5, Number.NaN])('rejects expirationSeconds %s', (expirationSeconds) => {
    expect(() => new ApnsClient(options({ expirationSeconds }))).toThrow(
      /expirationSeconds/,
    );
  });

  it('accepts expirationSeconds zero', () => {
    expect(() => new ApnsClient(options({ expirationSeconds: 0 }))).not.toThrow();
  });

  it.each([0, -5, 2.5])('rejects requestTimeoutMs %s', (requestTimeoutMs) => {
    expect(() => new ApnsClient(options({ requestTimeoutMs }))).toThrow(
      /requestTimeoutMs/,
    );
  });

  it('rejects an unknown priority', () => {
    const priority = 7 as unknown as ApnsPriority;

    expect(() => new ApnsClient(options({ priority }))).toThrow(/use 5, 10 or 'omit'/);
  });

  it('rejects a plain http endpoint', () => {
    expect(() => new ApnsClient(options({ endpoint: 'http://127.0.0.1:9' }))).toThrow(
      /APNs endpoint/,
    );
  });
});

describe('ApnsClient credential check', () => {
  it('rejects a key of another certificate', () => {
    const keyPem = generateRsaKeyPem();
    const credential = {
      kind: 'certificate' as const,
      certPem: identity.certPem,
      keyPem,
    };

    expect(() => new ApnsClient(options({ credential }))).toThrow(/unusable/);
  });

  it('keeps key material out of errors', () => {
    const keyPem = generateRsaKeyPem();
    const credential = {
      kind: 'certificate' as const,
      certPem: identity.certPem,
      keyPem,
    };
    const keyLine = keyPem.split('\n')[1] ?? 'unreachable';
    let message = '';
    try {
      new ApnsClient(options({ credential }));
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toMatch(/unusable/);
    expect(message).not.toContain(keyLine);
  });

  it('rejects text that is not PEM', () => {
    const credential = { kind: 'certificate' as const, certPem: 'cert', keyPem: 'key' };

    expect(() => new ApnsClient(options({ credential }))).toThrow(/unusable/);
  });
});
