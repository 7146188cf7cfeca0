import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../shared/log/logger.js';
import { loadShimConfig, type ShimConfig } from '../../../shim/config.js';
import { EXPIRY_CHECK_INTERVAL_MS } from '../../../shim/credential-expiry-check.js';
import { startLocalMode } from '../../../shim/local-mode.js';
import {
  createTempDir,
  createTestCa,
  issuePushCertificate,
  type TempDir,
  writePemFiles,
  xserverTopic,
} from '../../support/pki.js';

const DAY_MS = 86_400_000;
const ca = createTestCa();
let temp: TempDir;

beforeEach(async () => {
  temp = await createTempDir('xaps-local-expiry-');
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await temp.remove();
});

/** Builds a loopback config whose XAPS_APNS_CERT expires in 10.5 days. */
async function expiringConfig(): Promise<ShimConfig> {
  const now = Date.now();
  const identity = issuePushCertificate(ca, {
    topic: xserverTopic(),
    validity: {
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 10.5 * DAY_MS),
    },
  });
  const { certPath, keyPath } = await writePemFiles(temp.path, identity);
  const config = loadShimConfig({
    XAPS_DATA_DIR: `${temp.path}/data`,
    XAPS_APNS_CERT: certPath,
    XAPS_APNS_KEY: keyPath,
  });
  return { ...config, listen: { host: '127.0.0.1', port: 0, loopback: true } };
}

function recordingLogger() {
  const logger = createLogger('xaps-test');
  const calls = {
    info: vi.spyOn(logger, 'info').mockImplementation(() => undefined),
    warn: vi.spyOn(logger, 'warn').mockImplementation(() => undefined),
    error: vi.spyOn(logger, 'error').mockImplementation(() => undefined),
  };
  return { logger, calls };
}

/** The warning the AWS daily check logs for a certificate 10 days from expiry. */
const POLICY_WARNING = expect.stringMatching(
  /expires in 10 day\(s\).*xaps credential request --renew/,
);

describe('xaps serve expiry check', () => {
  it('checks again a day later', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { logger, calls } = recordingLogger();
    const mode = await startLocalMode(await expiringConfig(), logger);

    vi.advanceTimersByTime(EXPIRY_CHECK_INTERVAL_MS);
    await mode.stop();

    expect(calls.info).toHaveBeenCalledWith(
      'credential checked',
      expect.objectContaining({ daysToExpiry: 10 }),
    );
    expect(calls.warn).toHaveBeenCalledWith(POLICY_WARNING, {
      threshold: 14,
      daysToExpiry: 10,
    });
  });

  it('logs the policy warning at start', async () => {
    const { logger, calls } = recordingLogger();

    const mode = await startLocalMode(await expiringConfig(), logger);
    await mode.stop();

    expect(calls.warn).toHaveBeenCalledWith(POLICY_WARNING, {
      threshold: 14,
      daysToExpiry: 10,
    });
  });
});
