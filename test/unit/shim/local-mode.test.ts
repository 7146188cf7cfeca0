import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../shared/config/env.js';
import { createLogger } from '../../../shared/log/logger.js';
import { ServeLockError } from '../../../shared/registrations/data-dir-lock.js';
import { loadShimConfig, type ShimConfig } from '../../../shim/config.js';
import { startLocalMode } from '../../../shim/local-mode.js';
import { TOPIC } from './harness.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-local-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Loopback config on a port the OS picks, without a credential. */
function config(port = 0): ShimConfig {
  const loaded = loadShimConfig({ XAPS_DATA_DIR: dataDir });
  return { ...loaded, listen: { host: '127.0.0.1', port, loopback: true } };
}

function quietLogger() {
  const logger = createLogger('xaps-test');
  const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
  vi.spyOn(logger, 'info').mockImplementation(() => {});
  vi.spyOn(logger, 'error').mockImplementation(() => {});
  return { logger, warn };
}

describe('startLocalMode', () => {
  it('names credential settings when missing', async () => {
    const { logger, warn } = quietLogger();

    const mode = await startLocalMode(config(), logger);
    await mode.stop();

    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('XAPS_APNS_CERT');
    expect(String(warn.mock.calls[0]?.[0])).toContain('XAPS_APNS_P12');
  });

  it('rejects second start on directory', async () => {
    const mode = await startLocalMode(config(), quietLogger().logger);

    await expect(startLocalMode(config(), quietLogger().logger)).rejects.toThrow(
      ServeLockError,
    );
    await mode.stop();
  });

  it('releases the lock on stop', async () => {
    const first = await startLocalMode(config(), quietLogger().logger);
    await first.stop();

    const second = await startLocalMode(config(), quietLogger().logger);
    await second.stop();

    expect(second.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('reports a busy port by name', async () => {
    const first = await startLocalMode(config(), quietLogger().logger);
    const port = Number(first.address.split(':')[1]);
    const otherDir = await mkdtemp(join(tmpdir(), 'xaps-local-'));
    const second = { ...config(port), dataDir: otherDir };

    const error = await startLocalMode(second, quietLogger().logger).catch(
      (e: unknown) => e,
    );
    await first.stop();
    await rm(otherDir, { recursive: true, force: true });

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('XAPS_LISTEN');
  });

  it('keeps no topic file without credential', async () => {
    const mode = await startLocalMode(config(), quietLogger().logger);
    await mode.stop();

    await expect(readFile(join(dataDir, 'topic'), 'utf8')).rejects.toThrow('ENOENT');
  });

  it('says /register answers the known topic', async () => {
    await writeFile(join(dataDir, 'topic'), TOPIC);
    const { logger, warn } = quietLogger();

    const mode = await startLocalMode(config(), logger);
    await mode.stop();

    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain(TOPIC);
    expect(message).not.toContain('503');
  });

  it('creates owner-only data files', async () => {
    const fresh = join(dataDir, 'fresh');

    const mode = await startLocalMode(
      { ...config(), dataDir: fresh },
      quietLogger().logger,
    );
    await mode.stop();

    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
    expect((await stat(join(fresh, 'registrations.sqlite'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(fresh, 'serve.lock'))).mode & 0o777).toBe(0o600);
  });

  it('warns about an open data dir', async () => {
    await chmod(dataDir, 0o755);
    const { logger, warn } = quietLogger();

    const mode = await startLocalMode(config(), logger);
    await mode.stop();

    const messages = warn.mock.calls.map((call) => String(call[0]));
    expect(messages.some((message) => message.includes('chmod 700'))).toBe(true);
  });

  it('checks XAPS_APNS_CA without credential', async () => {
    const loaded = config();
    const caFile = join(dataDir, 'missing-ca.pem');
    const withCa = {
      ...loaded,
      core: { ...loaded.core, apns: { ...loaded.core.apns, caFile } },
    };

    const error = await startLocalMode(withCa, quietLogger().logger).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('XAPS_APNS_CA');
  });
});
