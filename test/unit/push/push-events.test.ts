import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMailEvent } from '../../../shared/mail-events/types.js';
import { pushMailEvents } from '../../../shared/push/push-events.js';
import { openPushFixture, type PushFixture } from './fixture.js';

let fixture: PushFixture;

beforeEach(async () => {
  fixture = await openPushFixture();
});

afterEach(async () => {
  await fixture.cleanup();
});

function event(user: string, eventId = 'msg-1'): NewMailEvent {
  return { source: 'ses', eventId, user, mailbox: 'INBOX' };
}

describe('pushMailEvents', () => {
  it('sums the events of a batch', async () => {
    await fixture.register();
    await fixture.register();
    const summary = await pushMailEvents(
      [event(fixture.user), event('nobody@example.com')],
      fixture.deps,
    );

    expect(summary).toMatchObject({ events: 2, sent: 2, retryable: 0, failedEvents: 0 });
    expect(summary.dropped).toEqual([{ reason: 'no-devices', count: 1 }]);
  });

  it('counts retryable devices', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'retryable',
      status: 429,
      reason: 'TooManyRequests',
    });
    const summary = await pushMailEvents([event(fixture.user)], fixture.deps);

    expect(summary.retryable).toBe(1);
  });

  it('pushes the others when one fails', async () => {
    await fixture.register();
    const listByUser = fixture.store.listByUser.bind(fixture.store);
    fixture.deps.store = Object.assign(Object.create(fixture.store), {
      listByUser: async (user: string, now?: number) => {
        if (user === 'broken@example.com') throw new Error('ThrottlingException');
        return listByUser(user, now);
      },
    });
    const summary = await pushMailEvents(
      [event('broken@example.com'), event(fixture.user)],
      fixture.deps,
    );

    expect(summary).toMatchObject({ sent: 1, failedEvents: 1 });
    expect(fixture.logger.matching({ user: 'broken@example.com' })[0]?.message).toBe(
      'pushing a mail event failed',
    );
  });

  it('passes the eventId to the claims', async () => {
    await fixture.register();
    const eventIds: string[] = [];
    fixture.deps.claims = {
      claim: async (key) => {
        eventIds.push(key.eventId);
        return { release: async () => true };
      },
    };
    await pushMailEvents([event(fixture.user, 'msg-42')], fixture.deps);

    expect(eventIds).toEqual(['msg-42']);
  });
});
