import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/env.js';
import { loadShimConfig } from '../../../shim/config.js';
import { parseListenAddress } from '../../../shim/listen-address.js';

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadShimConfig', () => {
  it('listens on [::1]:11619 by default', () => {
    const config = loadShimConfig({});

    expect(config.listen).toEqual({ host: '::1', port: 11619, loopback: true });
  });

  it('defaults notify events', () => {
    expect(loadShimConfig({}).notifyEvents).toEqual(['MessageNew', 'MessageAppend']);
  });

  it('has no credential by default', () => {
    expect(loadShimConfig({}).credentialFiles).toBeUndefined();
  });

  it('requires a secret off loopback', () => {
    const error = configError(() => loadShimConfig({ XAPS_LISTEN: '0.0.0.0:11619' }));

    expect(error.variable).toBe('XAPS_SHARED_SECRET');
    expect(error.message).toContain('0.0.0.0:11619');
  });

  it('accepts off loopback with secret', () => {
    const config = loadShimConfig({
      XAPS_LISTEN: '0.0.0.0:11619',
      XAPS_SHARED_SECRET: 's',
    });

    expect(config.listen.loopback).toBe(false);
    expect(config.sharedSecret).toBe('s');
  });

  it('requires the key with a certificate', () => {
    const error = configError(() =>
      loadShimConfig({ XAPS_APNS_CERT: '/etc/xaps/cert.pem' }),
    );

    expect(error.variable).toBe('XAPS_APNS_KEY');
  });

  it('rejects both credential forms', () => {
    const error = configError(() =>
      loadShimConfig({
        XAPS_APNS_CERT: 'cert.pem',
        XAPS_APNS_KEY: 'key.pem',
        XAPS_APNS_P12: 'push.p12',
      }),
    );

    expect(error.variable).toBe('XAPS_APNS_P12');
  });

  it('rejects a passphrase without file', () => {
    const error = configError(() =>
      loadShimConfig({ XAPS_APNS_P12_PASSPHRASE: 'secret' }),
    );

    expect(error.variable).toBe('XAPS_APNS_P12_PASSPHRASE');
    expect(error.message).not.toContain("'secret'");
  });

  it('ignores a blank passphrase', () => {
    const config = loadShimConfig({ XAPS_APNS_P12_PASSPHRASE: '   ' });

    expect(config.credentialFiles).toBeUndefined();
  });

  it('keeps spaces in a passphrase', () => {
    const config = loadShimConfig({
      XAPS_APNS_P12: '/etc/xaps/push.p12',
      XAPS_APNS_P12_PASSPHRASE: ' pass ',
    });

    expect(config.credentialFiles).toMatchObject({ passphrase: ' pass ' });
  });

  it('reads a PKCS#12 credential', () => {
    const config = loadShimConfig({
      XAPS_APNS_P12: '/etc/xaps/push.p12',
      XAPS_APNS_P12_PASSPHRASE: 'pass',
    });

    expect(config.credentialFiles).toEqual({
      kind: 'p12',
      p12Path: '/etc/xaps/push.p12',
      passphrase: 'pass',
    });
  });

  it('normalises notify event names', () => {
    const config = loadShimConfig({ XAPS_NOTIFY_EVENTS: 'messagenew, FlagsSet' });

    expect(config.notifyEvents).toEqual(['MessageNew', 'FlagsSet']);
  });

  it('rejects unknown notify events', () => {
    const error = configError(() => loadShimConfig({ XAPS_NOTIFY_EVENTS: 'NewMail' }));

    expect(error.variable).toBe('XAPS_NOTIFY_EVENTS');
    expect(error.message).toContain('MessageNew');
  });
});

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:11619', '127.0.0.1', true],
    ['[::1]:8080', '::1', true],
    ['localhost:11619', 'localhost', true],
    ['127.0.0.53:53', '127.0.0.53', true],
    ['[::]:11619', '::', false],
    ['192.0.2.10:11619', '192.0.2.10', false],
  ])('parses %s', (raw, host, loopback) => {
    const address = parseListenAddress(raw, 'XAPS_LISTEN');

    expect(address.host).toBe(host);
    expect(address.loopback).toBe(loopback);
  });

  it.each(['11619', '::1:11619', '[::1]', 'host:0', 'host:70000', '[nothex]:1'])(
    'rejects %s',
    (raw) => {
      expect(() => parseListenAddress(raw, 'XAPS_LISTEN')).toThrow(ConfigError);
    },
  );
});
