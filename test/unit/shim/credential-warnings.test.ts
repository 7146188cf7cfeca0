import { describe, expect, it } from 'vitest';
import { readApnsSettings } from '../../../shared/config/apns-settings.js';
import type { LoadedCertificate } from '../../../shared/credentials/load-certificate.js';
import { credentialWarnings } from '../../../shim/credential-files.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const XSERVER_TOPIC = 'com.apple.mail.XServer.3f1c2b7e-8d4a-4e5f-9a6b-7c8d9e0f1a2b';

function certificate(overrides: Partial<LoadedCertificate> = {}): LoadedCertificate {
  return {
    credential: { kind: 'certificate', certPem: '', keyPem: '' },
    topic: XSERVER_TOPIC,
    notAfter: new Date(NOW + 200 * 86_400_000),
    environment: 'production',
    ...overrides,
  };
}

const production = readApnsSettings({});

describe('credentialWarnings', () => {
  it('accepts a long production topic', () => {
    expect(credentialWarnings(certificate(), production)).toEqual([]);
  });

  it('warns about topics under 51 bytes', () => {
    const topic = 'com.apple.mobilemail.push.com.example';

    const [warning] = credentialWarnings(certificate({ topic }), production);

    expect(warning).toContain('37 bytes');
    expect(warning).toContain('51 bytes');
  });

  it('warns about a non-mail topic', () => {
    const topic = 'com.example.app.voip.long-enough-for-the-dovecot-limit';

    const [warning] = credentialWarnings(certificate({ topic }), production);

    expect(warning).toContain('com.apple.mail.');
    expect(warning).toContain('com.apple.mobilemail.push.');
  });

  it('warns about environment mismatch', () => {
    const [warning] = credentialWarnings(
      certificate({ environment: 'sandbox' }),
      production,
    );

    expect(warning).toContain('XAPS_APNS_ENDPOINT=sandbox');
  });

  it('accepts a certificate for both environments', () => {
    const sandbox = readApnsSettings({ XAPS_APNS_ENDPOINT: 'sandbox' });

    expect(credentialWarnings(certificate({ environment: 'both' }), sandbox)).toEqual([]);
  });
});
