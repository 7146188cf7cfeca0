import { describe, expect, it } from 'vitest';
import type { PushOutcome, PushRequest, PushSender } from '../../../shared/apns/types.js';
import { isBlockingRejection } from '../../../shared/credentials/credential-block.js';
import { RejectionWatch } from '../../../shared/credentials/rejection-watch.js';

const rejected = (reason: string): PushOutcome => ({
  kind: 'credential-rejected',
  status: 403,
  reason,
});

const push: PushRequest = {
  deviceToken: 'ab'.repeat(32),
  topic: 'com.apple.mail.XServer.3f1c2b7e-8d4a-4e5f-9a6b-7c8d9e0f1a2b',
  accountId: '0715A26B-0000-0000-0000-793000CA982E',
};

/** Returns a sender that responds to each push with the next outcome of `outcomes`. */
function answering(outcomes: PushOutcome[]): PushSender {
  let next = 0;
  return {
    push: async () => outcomes[next++] ?? { kind: 'delivered', status: 200, apnsId: '' },
    close: async () => undefined,
  };
}

describe('credential block reasons', () => {
  it.each([
    'BadCertificate',
    'BadCertificateEnvironment',
    'Forbidden',
    'InvalidProviderToken',
  ])('blocks on 403 %s', (reason) => {
    expect(isBlockingRejection(rejected(reason))).toBe(true);
  });

  it.each([
    'ExpiredProviderToken',
    'MissingProviderToken',
    'TooManyProviderTokenUpdates',
  ])('leaves 403 %s unblocked', (reason) => {
    expect(isBlockingRejection(rejected(reason))).toBe(false);
  });

  it('ignores the reason on other outcomes', () => {
    const busy: PushOutcome = { kind: 'retryable', status: 429, reason: 'Forbidden' };

    expect(isBlockingRejection(busy)).toBe(false);
  });
});

describe('RejectionWatch', () => {
  it('keeps the first blocking reason', async () => {
    const watch = new RejectionWatch(
      answering([
        rejected('ExpiredProviderToken'),
        rejected('InvalidProviderToken'),
        rejected('BadCertificate'),
      ]),
    );

    for (let i = 0; i < 3; i += 1) await watch.push(push);

    expect(watch.rejection).toBe('InvalidProviderToken');
  });

  it('passes outcomes through unchanged', async () => {
    const watch = new RejectionWatch(answering([rejected('Forbidden')]));

    const outcome = await watch.push(push);

    expect(outcome).toEqual(rejected('Forbidden'));
  });
});
