import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createOwnerOnlyFile } from './sqlite-schema.js';

/** Lock file whose SQLite write lock marks the data directory as served. */
export const SERVE_LOCK_FILE_NAME = 'serve.lock';
/** Plain file with the serving process's pid, for error messages only. */
export const SERVE_PID_FILE_NAME = 'serve.pid';

/** Thrown when another `xaps serve` already serves the data directory. */
export class ServeLockError extends Error {
  readonly dataDir: string;
  readonly pid: number | undefined;

  constructor(dataDir: string, pid: number | undefined) {
    const owner = pid === undefined ? 'another process' : `process ${pid}`;
    super(
      `data directory '${dataDir}' is already served by ${owner}: stop that ` +
        '`xaps serve` first, or start this one with another data directory',
    );
    this.name = 'ServeLockError';
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

// Open lock connections: a module-level reference keeps the garbage collector
// from closing a connection, which would drop its lock, while the server runs.
const heldLocks = new Set<Database.Database>();

/**
 * Acquires the serve lock on a data directory and returns the function that
 * releases it. The lock is SQLite's write lock on a separate lock file, held
 * in an open transaction: it rests on POSIX advisory locks, which the kernel
 * drops when the process exits or is killed, so no stale lock outlives it.
 * CLI processes do not take it and can use the registrations file meanwhile.
 */
export function acquireServeLock(dataDir: string): () => void {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  const lockFile = join(dir, SERVE_LOCK_FILE_NAME);
  createOwnerOnlyFile(lockFile);
  const db = new Database(lockFile);
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (isBusy(error)) {
      throw new ServeLockError(dir, readLivePid(dir));
    }
    throw error;
  }

  heldLocks.add(db);
  const pidFile = join(dir, SERVE_PID_FILE_NAME);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });

  return () => {
    if (!heldLocks.delete(db)) {
      return;
    }
    if (readPid(pidFile) === process.pid) {
      rmSync(pidFile, { force: true });
    }
    db.close();
  };
}

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
}

/** Reads the pid of the serving process, or undefined when it is missing or dead. */
function readLivePid(dir: string): number | undefined {
  const pid = readPid(join(dir, SERVE_PID_FILE_NAME));
  if (pid === undefined) {
    return undefined;
  }
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EPERM' ? pid : undefined;
  }
}

function readPid(pidFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
