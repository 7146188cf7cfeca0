import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCoreConfig } from '../../../shared/config/core-config.js';
import { ConfigError } from '../../../shared/config/env.js';
import { createUserMapping } from '../../../shared/users/user-mapping.js';

/** Returns the ConfigError that loading `env` throws, or fails the test. */
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

describe('loadCoreConfig defaults', () => {
  it('defaults to production APNs', () => {
    const config = loadCoreConfig({});

    expect(config.apns.endpoint).toBe('https://api.push.apple.com');
    expect(config.apns.endpointKind).toBe('production');
  });

  it('defaults priority to 5', () => {
    expect(loadCoreConfig({}).apns.priority).toBe(5);
  });

  it('defaults max devices to 20', () => {
    expect(loadCoreConfig({}).maxDevicesPerUser).toBe(20);
  });

  it('defaults user mapping switches on', () => {
    expect(loadCoreConfig({}).users).toEqual({ lowercase: true, foldPlusTag: true });
  });

  it('leaves the extra CA unset', () => {
    expect(loadCoreConfig({}).apns.caFile).toBeUndefined();
  });
});

describe('loadCoreConfig APNs settings', () => {
  it('accepts the sandbox endpoint', () => {
    const config = loadCoreConfig({ XAPS_APNS_ENDPOINT: 'sandbox' });

    expect(config.apns.endpoint).toBe('https://api.sandbox.push.apple.com');
    expect(config.apns.endpointKind).toBe('sandbox');
  });

  it('accepts Sandbox in any case', () => {
    const config = loadCoreConfig({ XAPS_APNS_ENDPOINT: 'Sandbox' });

    expect(config.apns.endpointKind).toBe('sandbox');
  });

  it('accepts an https origin', () => {
    const config = loadCoreConfig({ XAPS_APNS_ENDPOINT: 'https://127.0.0.1:8443' });

    expect(config.apns.endpoint).toBe('https://127.0.0.1:8443');
    expect(config.apns.endpointKind).toBe('custom');
  });

  it('rejects a plain http endpoint', () => {
    const error = configError(() => loadCoreConfig({ XAPS_APNS_ENDPOINT: 'http://x:1' }));

    expect(error.variable).toBe('XAPS_APNS_ENDPOINT');
    expect(error.message).toContain('XAPS_APNS_ENDPOINT');
  });

  it('maps priority none to omit', () => {
    expect(loadCoreConfig({ XAPS_APNS_PRIORITY: 'none' }).apns.priority).toBe('omit');
  });

  it('rejects an unknown priority', () => {
    const error = configError(() => loadCoreConfig({ XAPS_APNS_PRIORITY: '7' }));

    expect(error.variable).toBe('XAPS_APNS_PRIORITY');
    expect(error.message).toContain('expected 5, 10 or none');
  });
});

describe('loadCoreConfig other settings', () => {
  it('reads user mapping switches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xaps-aliases-'));
    const aliasFile = join(dir, 'aliases');
    await writeFile(aliasFile, 'postmaster: alice\n');
    const config = loadCoreConfig({
      XAPS_USER_LOWERCASE: 'no',
      XAPS_USER_FOLD_PLUS_TAG: 'false',
      XAPS_USER_ALIAS_FILE: aliasFile,
    });
    await rm(dir, { recursive: true, force: true });

    expect(config.users).toEqual({ lowercase: false, foldPlusTag: false, aliasFile });
  });

  it('rejects a missing alias file', () => {
    const aliasFile = join(tmpdir(), 'xaps-no-such-dir', 'aliases');

    const error = configError(() => loadCoreConfig({ XAPS_USER_ALIAS_FILE: aliasFile }));

    expect(error.variable).toBe('XAPS_USER_ALIAS_FILE');
    expect(error.message).toContain(aliasFile);
  });

  it('rejects an unclear switch', () => {
    const error = configError(() => loadCoreConfig({ XAPS_USER_LOWERCASE: 'maybe' }));

    expect(error.variable).toBe('XAPS_USER_LOWERCASE');
    expect(error.message).toContain('expected true or false');
  });

  it('rejects zero max devices', () => {
    const error = configError(() => loadCoreConfig({ XAPS_MAX_DEVICES_PER_USER: '0' }));

    expect(error.variable).toBe('XAPS_MAX_DEVICES_PER_USER');
    expect(error.message).toContain('from 1 to 1000');
  });

  it('rejects a fractional max devices', () => {
    const error = configError(() => loadCoreConfig({ XAPS_MAX_DEVICES_PER_USER: '2.5' }));

    expect(error.variable).toBe('XAPS_MAX_DEVICES_PER_USER');
  });
});

describe('loadCoreConfig inline aliases', () => {
  it('reads XAPS_USER_ALIASES pairs', () => {
    const config = loadCoreConfig({
      XAPS_USER_ALIASES: 'postmaster: alice; abuse: bob',
    });

    expect(config.users.aliases?.get('postmaster')).toBe('alice');
    expect(config.users.aliases?.get('abuse')).toBe('bob');
  });

  it('maps through inline aliases', () => {
    const config = loadCoreConfig({ XAPS_USER_ALIASES: 'Postmaster@Example.com: alice' });
    const mapping = createUserMapping(config.users);

    expect(mapping.map('postmaster+spam@example.com')).toBe('alice');
  });

  it('rejects a malformed pair', () => {
    const error = configError(() => loadCoreConfig({ XAPS_USER_ALIASES: 'postmaster' }));

    expect(error.variable).toBe('XAPS_USER_ALIASES');
    expect(error.message).toContain('postmaster');
  });

  it('rejects both alias settings', () => {
    const error = configError(() =>
      loadCoreConfig({ XAPS_USER_ALIASES: 'a: b', XAPS_USER_ALIAS_FILE: '/etc/aliases' }),
    );

    expect(error.variable).toBe('XAPS_USER_ALIASES');
    expect(error.message).toContain('set only one');
  });
});
