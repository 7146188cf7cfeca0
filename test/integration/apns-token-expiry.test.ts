import { afterEach, describe, expect, it } from 'vitest';
import type { PushOutcome } from '../../shared/apns/types.js';
import { reasonOf } from '../support/apns-standin-harness.js';
import {
  startTokenHarness,
  type TokenHarness,
} from '../support/apns-standin-token-harness.js';

let harness: TokenHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(
  options: Parameters<typeof startTokenHarness>[0] = {},
): Promise<TokenHarness> {
  harness = await startTokenHarness(options);
  return harness;
}

function reasons(h: TokenHarness): Array<string | undefined> {
  return h.standin.received.map((push) => push.reason);
}

function summary(outcome: PushOutcome): string {
  return `${outcome.kind} ${reasonOf(outcome) ?? ''}`.trim();
}

describe('ApnsClient on ExpiredProviderToken', () => {
  it('retries once with a new JWT', async () => {
    // APNs' clock runs 30 minutes ahead: at 35 minutes the JWT is 65 minutes old there.
    const h = await start();
    h.clock.apnsSkewMs = 30 * 60_000;
    const client = h.newClient();
    await client.push(h.push(1));
    h.clock.advanceMinutes(35);

    const outcome = await client.push(h.push(2));

    expect(summary(outcome)).toBe('delivered');
    expect(reasons(h)).toEqual([undefined, 'ExpiredProviderToken', undefined]);
    expect(client.providerTokensSigned).toBe(2);
  });

  it('renews once for concurrent pushes', async () => {
    const h = await start();
    h.clock.apnsSkewMs = 30 * 60_000;
    const client = h.newClient();
    await client.push(h.push(1));
    h.clock.advanceMinutes(35);

    const outcomes = await Promise.all([2, 3, 4, 5].map((n) => client.push(h.push(n))));

    expect(outcomes.map(summary)).toEqual(Array(4).fill('delivered'));
    expect(client.providerTokensSigned).toBe(2);
    expect(h.standin.distinctProviderTokens).toBe(2);
  });

  it('stops when APNs keeps answering expired', async () => {
    // Every JWT is over an hour old for APNs: a clock skew no new token can fix.
    const h = await start();
    h.clock.apnsSkewMs = 90 * 60_000;
    const client = h.newClient();

    const first = await client.push(h.push(1));
    const second = await client.push(h.push(2));

    expect(summary(first)).toBe('credential-rejected ExpiredProviderToken');
    expect(summary(second)).toBe('credential-rejected ExpiredProviderToken');
    expect(h.standin.received).toHaveLength(3);
    expect(client.providerTokensSigned).toBe(2);
  });

  it('renews again only after 20 minutes', async () => {
    const h = await start();
    h.clock.apnsSkewMs = 90 * 60_000;
    const client = h.newClient();
    await client.push(h.push(1));

    h.clock.advanceMinutes(19);
    await client.push(h.push(2));
    const signedBefore = client.providerTokensSigned;
    h.clock.advanceMinutes(1);
    await client.push(h.push(3));

    expect(signedBefore).toBe(2);
    expect(client.providerTokensSigned).toBe(3);
    expect(h.standin.received).toHaveLength(5);
  });
});

describe('ApnsClient on TooManyProviderTokenUpdates', () => {
  it('keeps the JWT and recovers later', async () => {
    // APNs is 45 minutes ahead: at 16 minutes it calls the JWT expired, but the
    // replacement then arrives 16 minutes after the first one, too soon.
    const h = await start();
    h.clock.apnsSkewMs = 45 * 60_000;
    const client = h.newClient();
    await client.push(h.push(1));
    h.clock.advanceMinutes(16);

    const tooSoon = await client.push(h.push(2));
    h.clock.advanceMinutes(5);
    const later = await client.push(h.push(3));

    expect(summary(tooSoon)).toBe('retryable TooManyProviderTokenUpdates');
    expect(tooSoon.status).toBe(429);
    expect(summary(later)).toBe('delivered');
    expect(client.providerTokensSigned).toBe(2);
  });

  it('does not re-sign per key', async () => {
    // Two containers sharing one key, with a limit that counts per key.
    const h = await start({ updateScope: 'key' });
    const first = h.newClient();
    const second = h.newClient();
    await first.push(h.push(1));

    const rejected = await Promise.all([2, 3, 4].map((n) => second.push(h.push(n))));

    expect(rejected.map(summary)).toEqual(
      Array(3).fill('retryable TooManyProviderTokenUpdates'),
    );
    expect(second.providerTokensSigned).toBe(1);
    expect(h.standin.distinctProviderTokens).toBe(2);
  });

  it('accepts two containers per connection', async () => {
    const h = await start({ updateScope: 'connection' });
    const first = h.newClient();
    const second = h.newClient();

    const outcomes = [await first.push(h.push(1)), await second.push(h.push(2))];

    expect(outcomes.map(summary)).toEqual(['delivered', 'delivered']);
    expect(h.standin.distinctProviderTokens).toBe(2);
  });
});
