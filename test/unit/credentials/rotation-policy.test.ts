import { describe, expect, it } from 'vitest';
import {
  type PolicyInput,
  planCredential,
} from '../../../shared/credentials/rotation/policy.js';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const DAY_MS = 86_400_000;

/** Plans a credential that expires `days` days (and one hour) after NOW. */
function plan(days: number | null, overrides: Partial<PolicyInput> = {}) {
  return planCredential({
    kind: 'developer-certificate',
    notAfter:
      days === null
        ? null
        : new Date(NOW.getTime() + days * DAY_MS + 3_600_000).toISOString(),
    now: NOW,
    uploadWaiting: false,
    renewalConfigured: false,
    mode: 'aws',
    ...overrides,
  });
}

const xserver = { kind: 'xserver-certificate', renewalConfigured: true } as const;

describe('developer certificate', () => {
  it('stays quiet before 30 days', () => {
    const result = plan(31);

    expect(result.warning).toBeUndefined();
    expect(result.rotate).toBeUndefined();
  });

  it.each([
    [30, 30, 'warn'],
    [15, 30, 'warn'],
    [14, 14, 'warn'],
    [8, 14, 'warn'],
    [7, 7, 'error'],
    [0, 7, 'error'],
  ])('warns at %i days left', (days, threshold, level) => {
    const result = plan(days);

    expect(result.warning?.threshold).toBe(threshold);
    expect(result.warning?.level).toBe(level);
  });

  it('warns after expiry', () => {
    const result = plan(-3);

    expect(result.daysLeft).toBe(-3);
    expect(result.warning?.threshold).toBe(0);
    expect(result.warning?.message).toMatch(/expired 3 day\(s\) ago/);
  });

  it('never rotates without an upload', () => {
    expect(plan(2).rotate).toBeUndefined();
  });

  it('rotates at once for an upload', () => {
    expect(plan(200, { uploadWaiting: true }).rotate).toBe('upload-waiting');
  });

  it('names the developer portal', () => {
    expect(plan(10).warning?.message).toMatch(/developer portal.*xaps credential import/);
  });

  it('dates the first warning', () => {
    expect(plan(100).next).toMatch(/^warnings start on 2027-02-12/);
  });
});

describe('XServer certificate with renewal', () => {
  it('waits before 30 days', () => {
    const result = plan(31, xserver);

    expect(result.rotate).toBeUndefined();
    expect(result.next).toBe('automatic renewal starts on 2026-12-05');
  });

  it('renews from 30 days', () => {
    const result = plan(30, xserver);

    expect(result.rotate).toBe('renewal-due');
    expect(result.warning).toBeUndefined();
  });

  it('warns once renewal lags', () => {
    const result = plan(14, xserver);

    expect(result.rotate).toBe('renewal-due');
    expect(result.warning?.message).toMatch(/renewal has not succeeded/);
  });

  it('prefers a waiting upload', () => {
    expect(plan(20, { ...xserver, uploadWaiting: true }).rotate).toBe('upload-waiting');
  });
});

describe('XServer certificate without renewal', () => {
  const off = { kind: 'xserver-certificate', renewalConfigured: false } as const;

  it('only warns at 30 days', () => {
    const result = plan(30, off);

    expect(result.rotate).toBeUndefined();
    expect(result.warning?.message).toMatch(/XAPS_XSERVER_ENDPOINT/);
  });

  it('points the local mode elsewhere', () => {
    const result = plan(10, { ...off, mode: 'local' });

    expect(result.warning?.message).toMatch(/xaps credential request --renew/);
    expect(result.renewalFrom).toBeNull();
  });
});

describe('token key', () => {
  it('never warns or rotates', () => {
    const result = plan(null, { kind: 'token-key' });

    expect(result.daysLeft).toBeNull();
    expect(result.warning).toBeUndefined();
    expect(result.rotate).toBeUndefined();
  });

  it('still promotes an upload', () => {
    expect(plan(null, { kind: 'token-key', uploadWaiting: true }).rotate).toBe(
      'upload-waiting',
    );
  });
});
