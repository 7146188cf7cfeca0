import { describe, expect, it } from 'vitest';
import type { PushOutcome } from '../../../shared/apns/types.js';
import {
  MonitoredSender,
  type SessionSender,
  UNREACHABLE_AFTER_FAILURES,
} from '../../../shim/monitored-sender.js';

const REQUEST = {
  deviceToken: 'ab'.repeat(32),
  topic: 'com.apple.mail.x',
  accountId: 'a',
};
const NO_RESPONSE: PushOutcome = {
  kind: 'retryable',
  reason: 'RequestTimeout: no response from APNs within 10000 ms',
};

/** Creates a sender that returns the next scripted outcome for each push. */
function scripted(...outcomes: PushOutcome[]): SessionSender {
  return {
    connected: false,
    sessionsOpened: 0,
    push: async () => outcomes.shift() ?? { kind: 'delivered', status: 200, apnsId: 'x' },
    close: async () => {},
  };
}

async function pushTimes(sender: MonitoredSender, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    await sender.push(REQUEST);
  }
}

describe('MonitoredSender', () => {
  it('turns unhealthy without APNs responses', async () => {
    const outcomes = Array.from(
      { length: UNREACHABLE_AFTER_FAILURES },
      () => NO_RESPONSE,
    );
    const sender = new MonitoredSender(scripted(...outcomes));

    await pushTimes(sender, UNREACHABLE_AFTER_FAILURES);

    expect(sender.status().healthy).toBe(false);
    expect(sender.status().lastError?.reason).toBe(NO_RESPONSE.reason);
  });

  it('stays healthy after one timeout', async () => {
    const sender = new MonitoredSender(scripted(NO_RESPONSE));

    await pushTimes(sender, 1);

    expect(sender.status().healthy).toBe(true);
    expect(sender.status().failuresInARow).toBe(1);
  });

  it('recovers after any APNs response', async () => {
    const outcomes = Array.from(
      { length: UNREACHABLE_AFTER_FAILURES },
      () => NO_RESPONSE,
    );
    const sender = new MonitoredSender(
      scripted(...outcomes, {
        kind: 'retryable',
        status: 503,
        reason: 'ServiceUnavailable',
      }),
    );

    await pushTimes(sender, UNREACHABLE_AFTER_FAILURES + 1);

    expect(sender.status().healthy).toBe(true);
    expect(sender.status().failuresInARow).toBe(0);
  });

  it('turns unhealthy on credential rejection', async () => {
    const sender = new MonitoredSender(
      scripted({ kind: 'credential-rejected', status: 403, reason: 'BadCertificate' }),
    );

    await pushTimes(sender, 1);

    expect(sender.status().healthy).toBe(false);
    expect(sender.status().lastError?.reason).toBe('BadCertificate');
  });
});
