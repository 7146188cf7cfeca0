import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueUser } from '../../support/registrations-fixtures.js';
import { sesMessageId, sesReceivedViaSns } from './push-event-builders.js';
import { type PushFunction, startPushFunction } from './push-harness.js';

let fn: PushFunction;

beforeAll(async () => {
  fn = await startPushFunction('push-retry');
});

afterAll(async () => {
  await fn?.close();
});

function pushesTo(deviceToken: string) {
  return fn.apns.standin.received.filter((push) => push.deviceToken === deviceToken);
}

describe('dead device tokens', () => {
  const refreshedAt = Date.now() - 60_000;

  it('keeps a device refreshed after the 410', async () => {
    const user = uniqueUser();
    const device = await fn.register({ user }, refreshedAt);
    fn.apns.standin.program(device.deviceToken, {
      status: 410,
      reason: 'Unregistered',
      timestamp: refreshedAt - 30_000,
    });
    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    expect(summary).toMatchObject({ sent: 0, removed: 0 });
    expect(await fn.store.listByUser(user)).toHaveLength(1);
  });

  it('removes a device dead since its refresh', async () => {
    const user = uniqueUser();
    const device = await fn.register({ user }, refreshedAt);
    fn.apns.standin.program(device.deviceToken, {
      status: 410,
      reason: 'Unregistered',
      timestamp: refreshedAt + 30_000,
    });
    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    expect(summary).toMatchObject({ sent: 0, removed: 1 });
    expect(await fn.store.listByUser(user)).toEqual([]);
  });

  it('counts removed tokens in metrics', () => {
    const removed = fn
      .metricDocuments()
      .filter((document) => 'TokensRemoved' in document)
      .map((document) => document.TokensRemoved);

    expect(removed).toEqual([0, 1]);
  });
});

describe('retryable APNs responses', () => {
  const user = uniqueUser();
  const event = sesReceivedViaSns(sesMessageId(), [user]);
  let failing = '';
  let healthy = '';

  it('fails the invocation after the others', async () => {
    failing = (await fn.register({ user })).deviceToken;
    healthy = (await fn.register({ user })).deviceToken;
    fn.apns.standin.program(failing, { status: 503, reason: 'ServiceUnavailable' });

    await expect(fn.invoke(event)).rejects.toThrow(/1 pushes ended retryable/);
    expect(pushesTo(healthy).map((push) => push.status)).toEqual([200]);
    expect(pushesTo(failing).map((push) => push.status)).toEqual([503, 503, 503]);
  });

  it('labels the drop reason in metrics', () => {
    const dropped = fn
      .metricDocuments()
      .filter((document) => 'PushesDropped' in document)
      .map((document) => [document.reason, document.PushesDropped]);

    expect(dropped).toContainEqual(['retries-exhausted', 1]);
  });

  it('pushes only the missing device on retry', async () => {
    fn.apns.standin.unprogram(failing);
    const summary = await fn.invoke(event);

    expect(summary).toMatchObject({ sent: 1, deduplicated: 1, retryable: 0 });
    expect(pushesTo(failing).filter((push) => push.status === 200)).toHaveLength(1);
    expect(pushesTo(healthy)).toHaveLength(1);
  });

  it('pushes nothing on a third delivery', async () => {
    const summary = await fn.invoke(event);

    expect(summary).toMatchObject({ sent: 0, deduplicated: 2 });
  });
});
