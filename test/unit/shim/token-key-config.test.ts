import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type Env } from '../../../shared/config/env.js';
import { loadShimConfig } from '../../../shim/config.js';

const TOPIC = 'com.apple.mobilemail.push.com.example.mail.xaps-token-config-test';

/** The four token key settings, each replaceable or removable (undefined). */
function tokenEnv(overrides: Env = {}): Env {
  return {
    XAPS_APNS_TOKEN_KEY: '/etc/xaps/token.p8',
    XAPS_APNS_KEY_ID: 'ABC123DEFG',
    XAPS_APNS_TEAM_ID: 'DEF123GHIJ',
    XAPS_APNS_TOPIC: TOPIC,
    ...overrides,
  };
}

function configError(env: Env): ConfigError {
  try {
    loadShimConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('token key settings', () => {
  it('reads the key and identifiers', () => {
    expect(loadShimConfig(tokenEnv()).credentialFiles).toEqual({
      kind: 'p8',
      keyPath: resolve('/etc/xaps/token.p8'),
      keyId: 'ABC123DEFG',
      teamId: 'DEF123GHIJ',
      topic: TOPIC,
    });
  });

  it('reads key id from AuthKey_ names', () => {
    const env = tokenEnv({
      XAPS_APNS_TOKEN_KEY: '/etc/xaps/AuthKey_KEY9876543.p8',
      XAPS_APNS_KEY_ID: undefined,
    });

    expect(loadShimConfig(env).credentialFiles).toMatchObject({ keyId: 'KEY9876543' });
  });

  it('names a missing key id', () => {
    const error = configError(tokenEnv({ XAPS_APNS_KEY_ID: undefined }));

    expect(error.variable).toBe('XAPS_APNS_KEY_ID');
    expect(error.message).toMatch(/^XAPS_APNS_KEY_ID: no key id given/);
  });

  it('names an invalid key id', () => {
    const error = configError(tokenEnv({ XAPS_APNS_KEY_ID: 'abc' }));

    expect(error.variable).toBe('XAPS_APNS_KEY_ID');
    expect(error.message).toContain("key id 'abc' is invalid");
  });

  it('names a missing team id', () => {
    const error = configError(tokenEnv({ XAPS_APNS_TEAM_ID: '' }));

    expect(error.variable).toBe('XAPS_APNS_TEAM_ID');
    expect(error.message).toContain('Team ID is 10 characters');
  });

  it('names a missing topic', () => {
    const error = configError(tokenEnv({ XAPS_APNS_TOPIC: undefined }));

    expect(error.variable).toBe('XAPS_APNS_TOPIC');
    expect(error.message).toContain('a token key does not name its topic');
  });

  it('rejects a topic iOS Mail ignores', () => {
    const error = configError(tokenEnv({ XAPS_APNS_TOPIC: 'com.example.app' }));

    expect(error.variable).toBe('XAPS_APNS_TOPIC');
    expect(error.message).toContain('starts with neither com.apple.mail.');
  });

  it('accepts a short topic', () => {
    const env = tokenEnv({ XAPS_APNS_TOPIC: 'com.apple.mobilemail.push.com.example' });

    expect(loadShimConfig(env).credentialFiles).toMatchObject({
      topic: 'com.apple.mobilemail.push.com.example',
    });
  });

  it.each([
    'XAPS_APNS_CERT',
    'XAPS_APNS_KEY',
    'XAPS_APNS_P12',
    'XAPS_APNS_P12_PASSPHRASE',
  ])('rejects %s beside a token key', (name) => {
    const error = configError(tokenEnv({ [name]: '/etc/xaps/other' }));

    expect(error.variable).toBe(name);
    expect(error.message).toContain('keep one credential');
  });

  it.each(['XAPS_APNS_KEY_ID', 'XAPS_APNS_TEAM_ID', 'XAPS_APNS_TOPIC'])(
    'rejects %s without a token key',
    (name) => {
      const error = configError({ [name]: 'ABC123DEFG' });

      expect(error.variable).toBe(name);
      expect(error.message).toContain('without XAPS_APNS_TOKEN_KEY');
    },
  );

  it('rejects token keys in AWS mode', () => {
    const error = configError(
      tokenEnv({
        XAPS_MODE: 'aws',
        XAPS_TABLE_NAME: 'xaps-registrations',
        XAPS_SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:xaps-new-mail',
      }),
    );

    expect(error.variable).toBe('XAPS_APNS_TOKEN_KEY');
  });
});
