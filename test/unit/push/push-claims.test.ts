import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushClaim, PushClaimKey, PushClaims } from '../../../shared/push/claims.js';
import { pushNewMail } from '../../../shared/push/push-new-mail.js';
import { openPushFixture, type PushFixture } from './fixture.js';

/** Claims in a Map, with switches to make claiming or releasing fail. */
class MemoryClaims implements PushClaims {
  readonly taken = new Set<string>();
  failClaims = false;
  failReleases = false;

  async claim(key: PushClaimKey): Promise<PushClaim | undefined> {
    if (this.failClaims) {
      throw new Error('ProvisionedThroughputExceededException');
    }
    const id = `${key.eventId}|${key.user}|${key.deviceToken}`;
    if (this.taken.has(id)) {
      return undefined;
    }
    this.taken.add(id);
    return {
      release: async () => {
        if (this.failReleases) {
          throw new Error('network down');
        }
        return this.taken.delete(id);
      },
    };
  }
}

const RETRYABLE = {
  kind: 'retryable',
  status: 503,
  reason: 'ServiceUnavailable',
} as const;

let fixture: PushFixture;
let claims: MemoryClaims;

beforeEach(async () => {
  fixture = await openPushFixture();
  claims = new MemoryClaims();
  fixture.deps.claims = claims;
});

afterEach(async () => {
  await fixture.cleanup();
});

function mail(eventId?: string) {
  return { user: fixture.user, mailbox: 'INBOX', ...(eventId && { eventId }) };
}

describe('pushNewMail with claims', () => {
  it('pushes a redelivered event once', async () => {
    await fixture.register();
    const first = await pushNewMail(mail('msg-1'), fixture.deps);
    const second = await pushNewMail(mail('msg-1'), fixture.deps);

    expect(first).toMatchObject({ sent: 1, deduplicated: 0 });
    expect(second).toMatchObject({ sent: 0, deduplicated: 1, dropped: [] });
    expect(fixture.sender.requests).toHaveLength(1);
  });

  it('pushes different events each', async () => {
    await fixture.register();
    await pushNewMail(mail('msg-1'), fixture.deps);
    await pushNewMail(mail('msg-2'), fixture.deps);

    expect(fixture.sender.requests).toHaveLength(2);
  });

  it('claims nothing without an eventId', async () => {
    await fixture.register();
    await pushNewMail(mail(), fixture.deps);
    await pushNewMail(mail(), fixture.deps);

    expect(fixture.sender.requests).toHaveLength(2);
    expect(claims.taken.size).toBe(0);
  });

  it('pushes only the unclaimed devices', async () => {
    const done = await fixture.register();
    await fixture.register();
    claims.taken.add(`msg-1|${fixture.user}|${done.deviceToken}`);
    const summary = await pushNewMail(mail('msg-1'), fixture.deps);

    expect(summary).toMatchObject({ sent: 1, deduplicated: 1 });
  });

  it('releases the claim of a retryable push', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(device.deviceToken, RETRYABLE);
    const failed = await pushNewMail(mail('msg-1'), fixture.deps);
    fixture.sender.respondWith(device.deviceToken);
    const retried = await pushNewMail(mail('msg-1'), fixture.deps);

    expect(failed.dropped).toEqual([{ reason: 'retries-exhausted', count: 1 }]);
    expect(retried).toMatchObject({ sent: 1, deduplicated: 0 });
  });

  it('keeps the claim of a dead token', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(device.deviceToken, {
      kind: 'topic-mismatch',
      status: 400,
      reason: 'DeviceTokenNotForTopic',
    });
    await pushNewMail(mail('msg-1'), fixture.deps);

    expect(claims.taken.size).toBe(1);
  });

  it('pushes unclaimed when claiming fails', async () => {
    await fixture.register();
    claims.failClaims = true;
    const summary = await pushNewMail(mail('msg-1'), fixture.deps);

    expect(summary.sent).toBe(1);
    expect(fixture.logger.matching({ eventId: 'msg-1' })[0]?.level).toBe('warn');
  });

  it('logs a failed release', async () => {
    const device = await fixture.register();
    fixture.sender.respondWith(device.deviceToken, RETRYABLE);
    claims.failReleases = true;
    await pushNewMail(mail('msg-1'), fixture.deps);
    const errors = fixture.logger.entries.filter((entry) => entry.level === 'error');

    expect(errors.map((entry) => entry.message)).toContain(
      'releasing push claim failed: a retry will not push to this device',
    );
  });

  it('claims per user of a shared device', async () => {
    const device = await fixture.register();
    const otherUser = `other-${fixture.user}`;
    await fixture.store.upsert({ ...device, user: otherUser });
    await pushNewMail(mail('msg-1'), fixture.deps);
    const other = await pushNewMail(
      { user: otherUser, mailbox: 'INBOX', eventId: 'msg-1' },
      fixture.deps,
    );

    expect(other.sent).toBe(1);
  });
});
