import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRegistrationStore } from '../../../shared/registrations/sqlite-store.js';
import {
  collectLines,
  spawnSupportScript,
  waitForExit,
} from '../../support/registrations-child-process.js';
import { uniqueUser } from '../../support/registrations-fixtures.js';

// Commits each child must report before it is killed: enough that the kill
// lands while the child is busy writing.
const COMMITS_BEFORE_KILL = 150;

/** Runs the upsert child until it has reported enough commits, then SIGKILLs it. */
async function killMidWrite(
  file: string,
  user: string,
  firstIndex: number,
): Promise<string[]> {
  const child = spawnSupportScript('./registrations-upsert-child.ts', [
    file,
    user,
    String(firstIndex),
  ]);
  const committed = collectLines(child, () => {
    if (committed.length >= COMMITS_BEFORE_KILL) {
      child.kill('SIGKILL');
    }
  });

  const { signal } = await waitForExit(child);
  if (signal !== 'SIGKILL') {
    throw new Error(
      `upsert child ended without SIGKILL after ${committed.length} commits`,
    );
  }
  return committed;
}

describe('SqliteRegistrationStore after SIGKILL', () => {
  let dataDir = '';
  let file = '';
  const user = uniqueUser('crash');
  const committed: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'xaps-sqlite-crash-'));
    file = join(dataDir, 'registrations.sqlite');
    // Two rounds: the second child starts on the file the first one left behind.
    committed.push(...(await killMidWrite(file, user, 0)));
    committed.push(...(await killMidWrite(file, user, 1_000_000)));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes the integrity check', () => {
    const raw = new Database(file);
    const result = raw.pragma('integrity_check', { simple: true });
    raw.close();

    expect(result).toBe('ok');
  });

  it('keeps every reported commit', async () => {
    const store = new SqliteRegistrationStore(file);
    const stored = new Set((await store.listByUser(user)).map((r) => r.deviceToken));
    await store.close();
    const missing = committed.filter((token) => !stored.has(token));

    expect(committed.length).toBeGreaterThanOrEqual(2 * COMMITS_BEFORE_KILL);
    expect(missing).toEqual([]);
  });
});
