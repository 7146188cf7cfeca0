import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Repository root: the e2e tests run the CLI exactly as `npm start` does, from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One line a child process wrote, and on which stream. */
export interface OutputLine {
  source: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Every output line of every process the e2e run started, for the leak check. */
export const allOutput: OutputLine[] = [];

/** A running `xaps serve` child process. */
export interface ServeProcess {
  child: ChildProcess;
  lines: OutputLine[];
  /** Resolves with the first line (seen already or later) that matches. */
  waitForLine: (
    match: (line: OutputLine) => boolean,
    timeoutMs?: number,
  ) => Promise<OutputLine>;
  /** Resolves with the exit code once the process ended and its output was read. */
  exited: Promise<number | null>;
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and closing again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Spawns `node --import tsx cli/main.ts ARGS`, which is what `npm start` runs for serve. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  source: string,
): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: OutputLine[] = [];
  const waiters: {
    match: (line: OutputLine) => boolean;
    resolve: (l: OutputLine) => void;
  }[] = [];

  const collect = (stream: 'stdout' | 'stderr') => {
    let pending = '';
    child[stream]?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const text of parts) {
        const line = { source, stream, text };
        lines.push(line);
        allOutput.push(line);
        for (const waiter of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  };
  collect('stdout');
  collect('stderr');

  // 'close' comes after the exit and after both output streams ended.
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return {
    child,
    lines,
    exited,
    waitForLine: (match, timeoutMs = 10_000) => {
      const seen = lines.find(match);
      if (seen !== undefined) {
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${source}: no matching line within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** Runs a one-shot CLI command to the end and returns its exit code and output. */
export async function runCliToEnd(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnCli(args, env, `xaps ${args.join(' ')}`);
  const code = await run.exited;
  const text = (stream: 'stdout' | 'stderr') =>
    run.lines
      .filter((line) => line.stream === stream)
      .map((line) => `${line.text}\n`)
      .join('');
  return { code, stdout: text('stdout'), stderr: text('stderr') };
}

/** Parses a JSON log line, or returns undefined for a line that is not JSON. */
export function logRecord(line: OutputLine): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line.text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
