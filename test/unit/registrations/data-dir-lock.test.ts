import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireServeLock,
  SERVE_PID_FILE_NAME,
  ServeLockError,
} from '../../../shared/registrations/data-dir-lock.js';
import {
  REGISTRATIONS_FILE_NAME,
  SqliteRegistrationStore,
} from '../../../shared/registrations/sqlite-store.js';
import {
  collectStderr,
  spawnSupportScript,
  waitForExit,
  waitForLine,
} from '../../support/registrations-child-process.js';
import { registrationInput, uniqueUser } from '../../support/registrations-fixtures.js';

/** Returns the error acquireServeLock throws, failing when it does not throw. */
function lockError(dataDir: string): ServeLockError {
  try {
    acquireServeLock(dataDir)();
  } catch (error) {
    if (error instanceof ServeLockError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected the serve lock on '${dataDir}' to be taken`);
}

describe('acquireServeLock in one process', () => {
  let dataDir = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'xaps-serve-lock-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rejects a second acquire', () => {
    const release = acquireServeLock(dataDir);
    const error = lockError(dataDir);
    release();

    expect(error.message).toContain(dataDir);
    expect(error.message).toContain(`process ${process.pid}`);
    expect(error.pid).toBe(process.pid);
  });

  it('reacquires after release', async () => {
    const first = acquireServeLock(dataDir);
    const pidFile = join(dataDir, SERVE_PID_FILE_NAME);
    expect(await readFile(pidFile, 'utf8')).toBe(`${process.pid}\n`);
    first();
    first();

    expect(existsSync(pidFile)).toBe(false);
    const second = acquireServeLock(dataDir);
    second();
  });
});

describe('acquireServeLock across processes', () => {
  let dataDir = '';
  let serve: ChildProcess;
  let secondServe = { code: null as number | null, stderr: '' };
  const serveUser = uniqueUser('serve');

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'xaps-serve-lock-'));
    serve = spawnSupportScript('./registrations-serve-child.ts', [dataDir, serveUser]);
    await waitForLine(serve, (line) => line.startsWith('ready '));

    const second = spawnSupportScript('./registrations-serve-child.ts', [dataDir]);
    const stderr = collectStderr(second);
    const { code } = await waitForExit(second);
    secondServe = { code, stderr: stderr.text };
  });

  afterAll(async () => {
    serve.kill('SIGKILL');
    await waitForExit(serve);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rejects a second serve process', () => {
    expect(secondServe.code).toBe(3);
    expect(secondServe.stderr).toContain(dataDir);
    expect(secondServe.stderr).toContain(`process ${serve.pid}`);
  });

  it('lets a CLI write beside serve', async () => {
    const cli = new SqliteRegistrationStore(join(dataDir, REGISTRATIONS_FILE_NAME));
    try {
      expect(await cli.listByUser(serveUser)).toHaveLength(1);
      await cli.upsert(registrationInput({ user: serveUser }));
      expect(await cli.listByUser(serveUser)).toHaveLength(2);
    } finally {
      await cli.close();
    }
    expect(lockError(dataDir).pid).toBe(serve.pid);
  });

  it('frees the lock after SIGKILL', async () => {
    serve.kill('SIGKILL');
    const { signal } = await waitForExit(serve);

    expect(signal).toBe('SIGKILL');
    const release = acquireServeLock(dataDir);
    release();
  });
});
