import { rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  freePort,
  logRecord,
  type OutputLine,
  type ServeProcess,
  spawnCli,
} from '../../test/e2e/processes.js';
import {
  createTempDir,
  createTestPki,
  type TestPki,
  writePemFiles,
} from '../../test/support/pki.js';
import { StandinThread } from './standin-thread.js';

/** Time `xaps serve` may take to start, tsx compilation included. */
const START_TIMEOUT_MS = 30_000;
/** Time a SIGTERM may take before the harness sends SIGKILL; serve drains for up to 15 s. */
const STOP_TIMEOUT_MS = 20_000;

/** Resident and peak resident memory of a process, in bytes, from /proc. */
export interface MemoryReading {
  rssBytes: number;
  hwmBytes: number;
}

/** A running `xaps serve` child with its loopback APNs stand-in and temporary files. */
export interface ServeHarness {
  port: number;
  topic: string;
  /** Temporary directory on the same file system as the child's data directory. */
  tempDir: string;
  standin: StandinThread;
  serve: ServeProcess;
  /** XAPS_PUSH_QUEUE_SIZE given to the child. */
  pushQueueSize: number;
  /** Reads the child's VmRSS and VmHWM; undefined where /proc is missing (not Linux). */
  memory: () => Promise<MemoryReading | undefined>;
  /** Resets the child's VmHWM to its current VmRSS, where Linux allows it. */
  resetPeakMemory: () => Promise<boolean>;
  /** Counts the child's JSON log lines that have every given field. */
  countLogs: (fields: Record<string, unknown>) => number;
  /** Waits up to `limitMs` for a log line with every given field; returns whether one came. */
  waitForLog: (fields: Record<string, unknown>, limitMs: number) => Promise<boolean>;
  /** Stops the child with SIGTERM (SIGKILL after 20 s), the stand-in and the files. */
  stop: () => Promise<{ exitCode: number | null; stopMs: number }>;
}

/**
 * Starts the APNs stand-in on 127.0.0.1 and `xaps serve` as a child process, exactly as
 * `npm start` runs it, with a throwaway test certificate and data directory under
 * os.tmpdir(). The child is killed if this process exits first.
 */
export async function startServeHarness(pushQueueSize = 1000): Promise<ServeHarness> {
  const pki = createTestPki();
  const setup = await prepareServe(pki, pushQueueSize);
  const { temp, standin } = setup;

  const serve = spawnCli(['serve'], setup.env, 'xaps serve');
  const killOnExit = () => {
    serve.child.kill('SIGKILL');
    rmSync(temp.path, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    const started = Date.now();
    const exitCode = await stopChild(serve);
    process.off('exit', killOnExit);
    await standin.close();
    await temp.remove();
    return { exitCode, stopMs: Date.now() - started };
  };

  // Both promises settle to a value, so the one that loses the race cannot go unhandled.
  const failure = await Promise.race([
    serve
      .waitForLine(
        (line) => logRecord(line)?.message === 'xaps serve started',
        START_TIMEOUT_MS,
      )
      .then(
        () => undefined,
        (error: unknown) => String(error),
      ),
    serve.exited.then((code) => `it exited with code ${code}`),
  ]);
  if (failure !== undefined) {
    const tail = serve.lines.slice(-10).map((line) => line.text);
    await stop();
    throw new Error(`xaps serve did not start: ${failure}\n${tail.join('\n')}`);
  }

  const pid = serve.child.pid ?? 0;
  return {
    port: setup.port,
    topic: pki.client.topic ?? '',
    tempDir: temp.path,
    standin,
    serve,
    pushQueueSize,
    memory: () => readMemory(pid),
    resetPeakMemory: () => resetPeakMemory(pid),
    countLogs: (fields) => countLogs(serve, fields),
    waitForLog: (fields, limitMs) =>
      serve
        .waitForLine((line) => hasFields(line, fields), limitMs)
        .then(
          () => true,
          () => false,
        ),
    stop,
  };
}

/**
 * Writes the credential files, starts the stand-in and builds the child's environment.
 * Removes what it created when a step fails.
 */
async function prepareServe(pki: TestPki, pushQueueSize: number) {
  const temp = await createTempDir('xaps-bench-');
  let standin: StandinThread | undefined;
  try {
    const { certPath, keyPath } = await writePemFiles(temp.path, pki.client);
    const caFile = join(temp.path, 'test-ca.pem');
    await writeFile(caFile, pki.ca.certPem);
    standin = await StandinThread.start({
      ca: pki.ca.certPem,
      cert: pki.server.certPem,
      key: pki.server.keyPem,
    });
    const port = await freePort();

    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('XAPS_')),
    );
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      XAPS_DATA_DIR: join(temp.path, 'data'),
      XAPS_APNS_CERT: certPath,
      XAPS_APNS_KEY: keyPath,
      XAPS_APNS_ENDPOINT: standin.url,
      XAPS_APNS_CA: caFile,
      XAPS_LISTEN: `127.0.0.1:${port}`,
      XAPS_LOG_LEVEL: 'INFO',
      XAPS_PUSH_QUEUE_SIZE: String(pushQueueSize),
    };
    return { temp, standin, port, env };
  } catch (error) {
    await standin?.close();
    await temp.remove();
    throw error;
  }
}

/** Rejects with a message naming `what` when `work` takes longer than `limitMs`. */
export async function withTimeLimit<T>(
  work: Promise<T>,
  limitMs: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${limitMs / 1000} s`)),
      limitMs,
    );
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every 20 ms until it is true or `limitMs` passes; returns the last result. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  limitMs: number,
): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function stopChild(serve: ServeProcess): Promise<number | null> {
  if (serve.child.exitCode !== null || serve.child.signalCode !== null) {
    return serve.child.exitCode;
  }
  serve.child.kill('SIGTERM');
  const timer = setTimeout(() => serve.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const exitCode = await serve.exited;
  clearTimeout(timer);
  return exitCode;
}

async function readMemory(pid: number): Promise<MemoryReading | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  // The kernel reports both fields in kB (KiB).
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  const rss = kib('VmRSS');
  const hwm = kib('VmHWM');
  if (Number.isNaN(rss) || Number.isNaN(hwm)) {
    return undefined;
  }
  return { rssBytes: rss * 1024, hwmBytes: hwm * 1024 };
}

async function resetPeakMemory(pid: number): Promise<boolean> {
  try {
    // Writing 5 to clear_refs resets the peak resident set size (Linux 4.0 and later).
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function countLogs(serve: ServeProcess, fields: Record<string, unknown>): number {
  return serve.lines.filter((line) => hasFields(line, fields)).length;
}

function hasFields(line: OutputLine, fields: Record<string, unknown>): boolean {
  const record = logRecord(line);
  return (
    record !== undefined &&
    Object.entries(fields).every(([key, value]) => record[key] === value)
  );
}
