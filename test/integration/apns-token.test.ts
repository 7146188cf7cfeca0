import { verify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startTokenHarness,
  TEST_KEY_ID,
  TEST_TEAM_ID,
  type TokenHarness,
} from '../support/apns-standin-token-harness.js';
import { generateTokenKey } from '../support/pki.js';

let harness: TokenHarness;

beforeEach(async () => {
  harness = await startTokenHarness();
});

afterEach(async () => {
  await harness.close();
});

/** Returns the bearer token of the n-th request the stand-in received. */
function bearerOf(n: number): string {
  const header = harness.standin.received[n]?.headers.authorization;
  const match = /^bearer (.+)$/.exec(String(header));
  if (match?.[1] === undefined) throw new Error(`request ${n} carried no bearer token`);
  return match[1];
}

function decodePart(jwt: string, index: number): unknown {
  const part = jwt.split('.')[index] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

describe('ApnsClient provider token', () => {
  it('sends the ES256 header', async () => {
    const outcome = await harness.newClient().push(harness.push(1));

    expect(outcome.kind).toBe('delivered');
    expect(decodePart(bearerOf(0), 0)).toEqual({ alg: 'ES256', kid: TEST_KEY_ID });
  });

  it('sends iss and iat claims', async () => {
    await harness.newClient().push(harness.push(1));

    expect(decodePart(bearerOf(0), 1)).toEqual({
      iss: TEST_TEAM_ID,
      iat: Math.floor(harness.clock.nowMs / 1000),
    });
  });

  it('signs verifiably with the key', async () => {
    await harness.newClient().push(harness.push(1));

    const [header, claims, signature] = bearerOf(0).split('.');
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${claims}`),
      { key: harness.key.publicKeyPem, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature ?? '', 'base64url'),
    );

    expect(valid).toBe(true);
    expect(Buffer.from(signature ?? '', 'base64url')).toHaveLength(64);
  });

  it('connects without a client certificate', async () => {
    await harness.newClient().push(harness.push(1));

    expect(harness.standin.tlsConnections).toBe(1);
    expect(harness.standin.clientCertificates).toBe(0);
  });
});

describe('ApnsClient provider token reuse', () => {
  it('reuses one JWT across pushes', async () => {
    const client = harness.newClient();

    await Promise.all([1, 2, 3].map((n) => client.push(harness.push(n))));
    harness.clock.advanceMinutes(30);
    await client.push(harness.push(4));
    harness.clock.advanceMinutes(19);
    await client.push(harness.push(5));

    expect(harness.standin.delivered).toHaveLength(5);
    expect(new Set([0, 1, 2, 3, 4].map(bearerOf)).size).toBe(1);
    expect(client.providerTokensSigned).toBe(1);
    expect(harness.standin.distinctProviderTokens).toBe(1);
  });

  it('refreshes the JWT after 50 minutes', async () => {
    const client = harness.newClient();

    await client.push(harness.push(1));
    harness.clock.advanceMinutes(50);
    const outcome = await client.push(harness.push(2));

    expect(outcome.kind).toBe('delivered');
    expect(bearerOf(1)).not.toBe(bearerOf(0));
    expect(decodePart(bearerOf(1), 1)).toEqual({
      iss: TEST_TEAM_ID,
      iat: Math.floor(harness.clock.nowMs / 1000),
    });
    expect(client.providerTokensSigned).toBe(2);
  });

  it('keeps the JWT on a new connection', async () => {
    const client = harness.newClient();

    await client.push(harness.push(1));
    harness.standin.goaway();
    harness.clock.advanceMinutes(5);
    await client.push(harness.push(2));

    expect(harness.standin.http2Sessions).toBe(2);
    expect(bearerOf(1)).toBe(bearerOf(0));
    expect(client.providerTokensSigned).toBe(1);
  });
});

describe('ApnsClient token credential checks', () => {
  it('rejects a non-P-256 key at creation', () => {
    const p384 = generateTokenKey('secp384r1');

    expect(() =>
      harness.newClient({ credential: { ...harness.credential, keyPem: p384.keyPem } }),
    ).toThrow(/is EC secp384r1, not EC P-256/);
  });

  it('rejects a malformed key id', () => {
    expect(() =>
      harness.newClient({ credential: { ...harness.credential, keyId: 'abc' } }),
    ).toThrow(/key id 'abc' is invalid/);
  });

  it('reports InvalidProviderToken for another key', async () => {
    const other = generateTokenKey();
    const client = harness.newClient({
      credential: { ...harness.credential, keyPem: other.keyPem },
    });

    const outcome = await client.push(harness.push(1));

    expect(outcome).toMatchObject({ kind: 'credential-rejected', status: 403 });
    expect(outcome.kind === 'delivered' ? '' : outcome.reason).toBe(
      'InvalidProviderToken',
    );
    expect(client.providerTokensSigned).toBe(1);
  });
});
