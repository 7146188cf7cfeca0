import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pushNewMail } from '../../../shared/push/push-new-mail.js';
import { openPushFixture, type PushFixture } from './fixture.js';

const HOUR = 60 * 60 * 1000;
const BAD_TOKEN = { kind: 'token-dead', status: 400, reason: 'BadDeviceToken' } as const;

let fixture: PushFixture;

beforeEach(async () => {
  fixture = await openPushFixture();
});

afterEach(async () => {
  await fixture.cleanup();
});

function push() {
  return pushNewMail({ user: fixture.user, mailbox: 'INBOX' }, fixture.deps);
}

/** Fills the guard with deliveries so a BadDeviceToken response may delete. */
function warmGuard(count = 10): void {
  for (let i = 0; i < count; i += 1) {
    fixture.deps.guard.record('delivered');
  }
}

describe('pushNewMail 410 cleanup', () => {
  it('removes token dead after refresh', async () => {
    const refreshedAt = Date.now() - 2 * HOUR;
    const device = await fixture.register({}, refreshedAt);
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'token-dead',
      status: 410,
      reason: 'Unregistered',
      timestamp: refreshedAt + HOUR,
    });

    const summary = await push();

    expect(summary.removed).toBe(1);
    expect(summary.dropped).toEqual([{ reason: 'token-dead', count: 1 }]);
    expect(await fixture.store.listByUser(fixture.user)).toEqual([]);
  });

  it('keeps device registered after 410', async () => {
    const refreshedAt = Date.now() - HOUR;
    const device = await fixture.register({}, refreshedAt);
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'token-dead',
      status: 410,
      reason: 'Unregistered',
      timestamp: refreshedAt - HOUR,
    });

    const summary = await push();

    expect(summary.removed).toBe(0);
    expect(await fixture.store.listByUser(fixture.user)).toHaveLength(1);
    const lines = fixture.logger.matching({ reason: 'token-dead', removed: false });
    expect(lines).toHaveLength(1);
  });

  it('uses push start without timestamp', async () => {
    const device = await fixture.register({}, Date.now() - HOUR);
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'token-dead',
      status: 410,
      reason: 'Unregistered',
    });

    const summary = await push();

    expect(summary.removed).toBe(1);
  });

  it('keeps device refreshed during push', async () => {
    const device = await fixture.register({}, Date.now() - HOUR);
    fixture.sender.respondWith(device.deviceToken, async () => {
      // The device registers again while its push is in flight.
      await fixture.store.upsert(
        { ...device, user: fixture.user, topic: fixture.deps.currentTopic },
        Date.now() + 1000,
      );
      return { kind: 'token-dead', status: 410, reason: 'Unregistered' };
    });

    const summary = await push();

    expect(summary.removed).toBe(0);
    expect(await fixture.store.listByUser(fixture.user)).toHaveLength(1);
  });
});

describe('pushNewMail BadDeviceToken guard', () => {
  it('removes bad token after deliveries', async () => {
    warmGuard();
    const device = await fixture.register({}, Date.now() - HOUR);
    fixture.sender.respondWith(device.deviceToken, BAD_TOKEN);

    const summary = await push();

    expect(summary.removed).toBe(1);
    expect(await fixture.store.listByUser(fixture.user)).toEqual([]);
  });

  it('keeps bad tokens when none delivered', async () => {
    const first = await fixture.register({}, Date.now() - HOUR);
    const second = await fixture.register({}, Date.now() - HOUR);
    fixture.sender.respondWith(first.deviceToken, BAD_TOKEN);
    fixture.sender.respondWith(second.deviceToken, BAD_TOKEN);

    const summary = await push();

    expect(summary.removed).toBe(0);
    expect(summary.dropped).toEqual([{ reason: 'bad-device-token-kept', count: 2 }]);
    expect(await fixture.store.listByUser(fixture.user)).toHaveLength(2);
  });

  it('logs one endpoint hint when blocking', async () => {
    const first = await fixture.register({}, Date.now() - HOUR);
    const second = await fixture.register({}, Date.now() - HOUR);
    fixture.sender.respondWith(first.deviceToken, BAD_TOKEN);
    fixture.sender.respondWith(second.deviceToken, BAD_TOKEN);

    await push();

    const errors = fixture.logger.entries.filter((entry) => entry.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('XAPS_APNS_ENDPOINT');
    expect(errors[0]?.message).toContain('certificate environment');
  });

  it('keeps bad tokens when they dominate', async () => {
    warmGuard(2);
    const devices = await Promise.all(
      [1, 2, 3, 4, 5].map(() => fixture.register({}, Date.now() - HOUR)),
    );
    for (const device of devices) {
      fixture.sender.respondWith(device.deviceToken, BAD_TOKEN);
    }

    const summary = await push();

    expect(summary.removed).toBe(0);
    expect(await fixture.store.listByUser(fixture.user)).toHaveLength(5);
  });
});

describe('pushNewMail other outcomes', () => {
  it('keeps row on topic mismatch', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'topic-mismatch',
      status: 400,
      reason: 'DeviceTokenNotForTopic',
    });

    const summary = await push();

    expect(summary.dropped).toEqual([{ reason: 'topic-mismatch', count: 1 }]);
    expect(await fixture.store.listByUser(fixture.user)).toHaveLength(1);
  });

  it('logs credential rejection as error', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'credential-rejected',
      status: 403,
      reason: 'BadCertificateEnvironment',
    });

    const summary = await push();

    expect(summary.dropped).toEqual([{ reason: 'credential-rejected', count: 1 }]);
    const errors = fixture.logger.matching({ reason: 'credential-rejected' });
    expect(errors.map((entry) => entry.level)).toEqual(['error']);
  });

  it('retries retryable response then delivers', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(
      device.deviceToken,
      { kind: 'retryable', status: 503, reason: 'ServiceUnavailable' },
      { kind: 'delivered', status: 200, apnsId: 'apns-1' },
    );

    const summary = await push();

    expect(summary.sent).toBe(1);
    expect(fixture.sender.requests).toHaveLength(2);
  });

  it('gives up after bounded retries', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'retryable',
      status: 429,
      reason: 'TooManyRequests',
    });

    const summary = await push();

    expect(summary.sent).toBe(0);
    expect(fixture.sender.requests).toHaveLength(3);
    expect(summary.dropped).toEqual([{ reason: 'retries-exhausted', count: 1 }]);
  });

  it('treats a throwing sender as retryable', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(
      device.deviceToken,
      () => {
        throw new Error('session closed');
      },
      { kind: 'delivered', status: 200, apnsId: 'apns-2' },
    );

    const summary = await push();

    expect(summary.sent).toBe(1);
  });

  it('never logs a full device token', async () => {
    const device = await fixture.register({}, Date.now() - HOUR);
    fixture.sender.respondWith(device.deviceToken, BAD_TOKEN);

    await push();
    await pushNewMail({ user: fixture.user, mailbox: 'Junk' }, fixture.deps);

    expect(fixture.logger.entries.length).toBeGreaterThan(0);
    expect(fixture.logger.text()).not.toContain(device.deviceToken);
  });
});
