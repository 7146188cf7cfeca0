import { describe, expect, it } from 'vitest';
import { validityProblems } from '../../../shared/credentials/validate.js';

const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const DAY_MS = 86_400_000;
const ORIGIN = "certificate file '/etc/xaps/push.pem'";

/** Returns the validity problems of a certificate that expires `days` days after NOW. */
function problemsAt(days: number) {
  const validity = {
    notBefore: new Date(NOW - 300 * DAY_MS),
    notAfter: new Date(NOW + days * DAY_MS),
  };
  return validityProblems(validity, NOW, ORIGIN, 'developer-certificate');
}

describe('expiry warning of inspect', () => {
  it('stays quiet at 31 days', () => {
    expect(problemsAt(31)).toEqual([]);
  });

  it('warns at 29 days', () => {
    const [problem] = problemsAt(29.5);

    expect(problem?.code).toBe('expires-soon');
    expect(problem?.severity).toBe('warning');
    expect(problem?.message).toContain(ORIGIN);
  });

  it('errors once expired', () => {
    const [problem] = problemsAt(-0.5);

    expect(problem?.code).toBe('expired');
    expect(problem?.severity).toBe('error');
  });
});
