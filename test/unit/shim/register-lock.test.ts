import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../shared/log/logger.js';
import { loadShimConfig } from '../../../shim/config.js';
import { type LocalMode, startLocalMode } from '../../../shim/local-mode.js';
import {
  spawnSupportScript,
  waitForExit,
  waitForLine,
} from '../../support/registrations-child-process.js';
import { TOPIC } from './harness.js';
import { sendOnce } from './raw-http.js';

let dataDir: string;
let mode: LocalMode | undefined;
let holder: ChildProcess | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-lock-'));
  // A topic served before makes /register respond 200 without a credential.
  await writeFile(join(dataDir, 'topic'), TOPIC);
});

afterEach(async () => {
  holder?.stdin?.end();
  if (holder !== undefined) await waitForExit(holder);
  await mode?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function quietLogger() {
  const logger = createLogger('xaps-test');
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation(() => {});
  }
  return logger;
}

function registerRequest(user: string): string {
  const body = JSON.stringify({
    ApsAccountId: `account-${user}`,
    ApsDeviceToken: 'ab'.repeat(32),
    ApsSubtopic: 'com.apple.mobilemail',
    Username: user,
    Mailboxes: ['INBOX'],
  });
  return (
    'POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n' +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

async function storedUsers(running: LocalMode, users: string[]): Promise<number> {
  const rows = await Promise.all(
    users.map((user) => running.context.store.listByUser(user)),
  );
  return rows.filter((list) => list.length > 0).length;
}

/** Polls until every user is stored or 15 s passed; returns the last count. */
async function waitForStored(running: LocalMode, users: string[]): Promise<number> {
  const deadline = Date.now() + 15_000;
  let stored = await storedUsers(running, users);
  while (stored < users.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stored = await storedUsers(running, users);
  }
  return stored;
}

describe('/register while another process holds the lock', () => {
  it('stores every registration after release', async () => {
    const loaded = loadShimConfig({ XAPS_DATA_DIR: dataDir });
    const running = await startLocalMode(
      { ...loaded, listen: { host: '127.0.0.1', port: 0, loopback: true } },
      quietLogger(),
    );
    mode = running;
    const port = Number(running.address.split(':').pop());
    const child = spawnSupportScript('registrations-lock-child.ts', [
      join(dataDir, 'registrations.sqlite'),
    ]);
    holder = child;
    await waitForLine(child, (line) => line === 'held');

    const users = Array.from({ length: 8 }, (_, i) => `lock${i}`);
    const responses = await Promise.all(
      users.map((user) => sendOnce(port, registerRequest(user))),
    );
    const storedWhileHeld = await storedUsers(running, users);
    child.stdin?.end();
    await waitForExit(child);
    const storedAfterRelease = await waitForStored(running, users);

    expect(responses.map((response) => response.status)).toEqual(users.map(() => 200));
    expect(responses.map((response) => response.body)).toEqual(users.map(() => TOPIC));
    expect(storedWhileHeld).toBe(0);
    expect(storedAfterRelease).toBe(users.length);
  });
});
