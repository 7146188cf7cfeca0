import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReceivedPush } from '../support/apns-standin.js';
import {
  type ApnsHarness,
  reasonOf,
  startApnsHarness,
  testDeviceToken,
} from '../support/apns-standin-harness.js';

let harness: ApnsHarness;

beforeEach(async () => {
  harness = await startApnsHarness();
});

afterEach(async () => {
  await harness.close();
});

function deliveriesPerToken(pushes: ReceivedPush[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const push of pushes) {
    const token = push.deviceToken ?? '';
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

describe('GOAWAY during a burst', () => {
  const pushCount = 50;
  const goawayAfter = 10;

  async function burst() {
    const client = harness.newClient();
    harness.standin.goaway({ afterRequests: goawayAfter });
    const outcomes = await Promise.all(
      Array.from({ length: pushCount }, (_, i) => client.push(harness.push(i))),
    );
    return { client, outcomes };
  }

  it('delivers every push', async () => {
    const { outcomes } = await burst();

    const kinds = outcomes.map((outcome) => outcome.kind);
    expect(kinds).toEqual(Array(pushCount).fill('delivered'));
  });

  it('delivers each token exactly once', async () => {
    await burst();

    const counts = deliveriesPerToken(harness.standin.delivered);
    expect(counts.size).toBe(pushCount);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(harness.standin.received).toHaveLength(pushCount);
  });

  it('processes no stream past lastStreamID', async () => {
    await burst();

    const goaway = harness.standin.goaways[0];
    expect(harness.standin.goaways).toHaveLength(1);
    expect(goaway?.session).toBe(1);
    const onOldSession = harness.standin.received.filter((push) => push.session === 1);
    expect(onOldSession).toHaveLength(goawayAfter);
    const highest = Math.max(...onOldSession.map((push) => push.streamId));
    expect(highest).toBe(goaway?.lastStreamId);
  });

  it('moves the rest to one new session', async () => {
    const { client } = await burst();

    const onNewSession = harness.standin.received.filter((push) => push.session === 2);
    expect(onNewSession).toHaveLength(pushCount - goawayAfter);
    expect(client.sessionsOpened).toBe(2);
    expect(harness.standin.http2Sessions).toBe(2);
  });
});

describe('GOAWAY between pushes', () => {
  it('opens no stream on the old session', async () => {
    const client = harness.newClient();
    for (let i = 0; i < 3; i += 1) await client.push(harness.push(i));

    harness.standin.goaway();
    await vi.waitFor(() => expect(client.connected).toBe(false));
    for (let i = 3; i < 6; i += 1) await client.push(harness.push(i));

    const sessions = harness.standin.received.map((push) => push.session);
    expect(sessions).toEqual([1, 1, 1, 2, 2, 2]);
    expect(client.sessionsOpened).toBe(2);
    expect(client.connected).toBe(true);
  });
});

describe('REFUSED_STREAM without GOAWAY', () => {
  it('sends a refused push again', async () => {
    const client = harness.newClient();
    harness.standin.refuseStreams(1);

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe('delivered');
    expect(harness.standin.refusedStreams).toBe(1);
    expect(harness.standin.delivered).toHaveLength(1);
  });

  it('gives up after the second refusal', async () => {
    const client = harness.newClient();
    harness.standin.refuseStreams(2);

    const outcome = await client.push(harness.push(1));

    expect(outcome.kind).toBe('retryable');
    expect(reasonOf(outcome)).toMatch(/^StreamRefused/);
    expect(harness.standin.received).toHaveLength(0);
  });
});

describe('dropped connection', () => {
  it('replaces a session dropped while idle', async () => {
    const client = harness.newClient();
    await client.push(harness.push(1));

    harness.standin.dropConnections();
    await vi.waitFor(() => expect(client.connected).toBe(false));
    const outcome = await client.push(harness.push(2));

    expect(outcome.kind).toBe('delivered');
    expect(client.sessionsOpened).toBe(2);
  });

  it('resends pushes cut off mid-flight', async () => {
    const client = harness.newClient();
    harness.standin.hold();
    const pending = [1, 2, 3].map((n) => client.push(harness.push(n)));
    await vi.waitFor(() => expect(harness.standin.received).toHaveLength(3));

    harness.standin.dropConnections();
    await vi.waitFor(() => expect(harness.standin.received).toHaveLength(6));
    harness.standin.release();
    const outcomes = await Promise.all(pending);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(Array(3).fill('delivered'));
    const delivered = harness.standin.delivered;
    expect(delivered.map((push) => push.session)).toEqual([2, 2, 2]);
    expect(deliveriesPerToken(delivered).get(testDeviceToken(1))).toBe(1);
    expect(client.sessionsOpened).toBe(2);
  });
});
