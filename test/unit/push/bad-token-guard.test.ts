import { describe, expect, it } from 'vitest';
import { BadDeviceTokenGuard } from '../../../shared/push/bad-token-guard.js';

const T0 = 1_700_000_000_000;

describe('BadDeviceTokenGuard', () => {
  it('blocks before any delivery', () => {
    const guard = new BadDeviceTokenGuard();
    guard.record('bad-device-token', T0);

    expect(guard.allowsDeletion(T0)).toBe(false);
  });

  it('allows when deliveries dominate', () => {
    const guard = new BadDeviceTokenGuard();
    guard.record('delivered', T0);
    guard.record('bad-device-token', T0);

    expect(guard.allowsDeletion(T0)).toBe(true);
  });

  it('blocks when bad tokens exceed half', () => {
    const guard = new BadDeviceTokenGuard();
    guard.record('delivered', T0);
    guard.record('bad-device-token', T0);
    guard.record('bad-device-token', T0);

    expect(guard.allowsDeletion(T0)).toBe(false);
  });

  it('forgets outcomes outside window', () => {
    const guard = new BadDeviceTokenGuard({ windowMs: 1000 });
    guard.record('delivered', T0);
    guard.record('bad-device-token', T0 + 1500);

    expect(guard.allowsDeletion(T0 + 1500)).toBe(false);
  });

  it('counts other outcomes in total', () => {
    const guard = new BadDeviceTokenGuard();
    guard.record('delivered', T0);
    guard.record('other', T0);
    guard.record('bad-device-token', T0);
    guard.record('bad-device-token', T0);

    expect(guard.allowsDeletion(T0)).toBe(true);
  });

  it('rate-limits blocked warnings', () => {
    const guard = new BadDeviceTokenGuard({ warnIntervalMs: 1000 });

    expect(guard.noteBlocked(T0)).toBe(1);
    expect(guard.noteBlocked(T0 + 10)).toBeUndefined();
    expect(guard.noteBlocked(T0 + 20)).toBeUndefined();
    expect(guard.noteBlocked(T0 + 1000)).toBe(3);
  });

  it('bounds the remembered outcomes', () => {
    const guard = new BadDeviceTokenGuard({ maxEntries: 3 });
    guard.record('delivered', T0);
    guard.record('bad-device-token', T0);
    guard.record('bad-device-token', T0);
    guard.record('bad-device-token', T0);

    expect(guard.allowsDeletion(T0)).toBe(false);
  });
});
