import { stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../cli/program.js';
import { createLogger } from '../../../shared/log/logger.js';
import { loadShimConfig } from '../../../shim/config.js';
import {
  checkLocalExpiry,
  scheduleExpiryCheck,
} from '../../../shim/credential-expiry-check.js';
import {
  importedCredentialFiles,
  importedCredentialPaths,
} from '../../../shim/imported-credential.js';
import { startLocalMode } from '../../../shim/local-mode.js';
import {
  createTempDir,
  createTestCa,
  issuePushCertificate,
  type TempDir,
  writePemFiles,
  xserverTopic,
} from '../../support/pki.js';

const ca = createTestCa();
let temp: TempDir;

beforeEach(async () => {
  temp = await createTempDir('xaps-local-credential-');
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await temp.remove();
});

async function xaps(args: string[]) {
  let out = '';
  let err = '';
  const status = await runCli(args, {
    env: { XAPS_DATA_DIR: `${temp.path}/data` },
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { status, out, err };
}

async function importFresh(topic = xserverTopic()) {
  const identity = issuePushCertificate(ca, { topic });
  const { certPath, keyPath } = await writePemFiles(temp.path, identity);
  return xaps(['credential', 'import', '--cert', certPath, '--key', keyPath]);
}

function fakeLogger() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

describe('xaps credential import without AWS', () => {
  it('copies the pair into the data directory', async () => {
    const run = await importFresh();
    const paths = importedCredentialPaths(`${temp.path}/data`);

    expect(run.status).toBe(0);
    expect(run.out).toContain(paths.certPath);
    expect((await stat(paths.keyPath)).mode & 0o777).toBe(0o600);
  });

  it('is found by xaps serve', async () => {
    await importFresh();

    expect(importedCredentialFiles(`${temp.path}/data`)).toEqual({
      kind: 'pem',
      ...importedCredentialPaths(`${temp.path}/data`),
    });
  });

  it('is loaded by the local mode', async () => {
    const topic = xserverTopic();
    await importFresh(topic);
    const config = loadShimConfig({ XAPS_DATA_DIR: `${temp.path}/data` });
    const logger = createLogger('xaps-test');
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    const mode = await startLocalMode(
      { ...config, listen: { host: '127.0.0.1', port: 0, loopback: true } },
      logger,
    );
    await mode.stop();

    expect(mode.context.credential?.topic).toBe(topic);
  });
});

describe('xaps credential status without AWS', () => {
  it('reports the imported certificate', async () => {
    const topic = xserverTopic();
    await importFresh(topic);

    const run = await xaps(['credential', 'status']);

    expect(run.out).toContain(`topic        ${topic}`);
    expect(run.out).toMatch(/source +imported/);
    expect(run.out).toMatch(/next +warnings start on \d{4}-\d{2}-\d{2}/);
  });

  it('says when there is none', async () => {
    const run = await xaps(['credential', 'status', '--json']);

    expect(JSON.parse(run.out)).toMatchObject({ mode: 'local', credential: null });
  });
});

describe('local expiry check', () => {
  const soon = {
    topic: xserverTopic(),
    notAfter: new Date(Date.now() + 10.5 * 86_400_000),
  };

  it('warns like the AWS check', () => {
    const logger = fakeLogger();

    const plan = checkLocalExpiry(soon, logger);

    expect(plan.warning?.threshold).toBe(14);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/expires in 10 day\(s\).*xaps credential request --renew/),
      { threshold: 14, daysToExpiry: 10 },
    );
  });

  it('only logs the days far off', () => {
    const logger = fakeLogger();

    checkLocalExpiry(
      { ...soon, notAfter: new Date(Date.now() + 200.5 * 86_400_000) },
      logger,
    );

    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      'credential checked',
      expect.objectContaining({ daysToExpiry: 200 }),
    );
  });

  it('checks at start and daily', () => {
    vi.useFakeTimers();
    const logger = fakeLogger();

    const stop = scheduleExpiryCheck(soon, logger);
    vi.advanceTimersByTime(2 * 86_400_000);
    stop();
    vi.advanceTimersByTime(86_400_000);

    // Once at start, then after each of the two days; none after stop().
    expect(logger.info).toHaveBeenCalledTimes(3);
  });
});
