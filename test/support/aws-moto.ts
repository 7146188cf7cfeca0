import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

/** A running moto server in its own process group. */
export interface MotoServer {
  endpoint: string;
  /** Milliseconds from spawn until the server responded to HTTP. */
  startMs: number;
  /** Process group of the wrapper, moto and its watchdog (the wrapper's pid). */
  processGroup: number;
  stop(): Promise<void>;
}

/**
 * Creates the moto virtual environment under .venv/moto when it is missing or
 * contains another version. The script prints pip's output when it fails.
 */
export function ensureMotoVenv(): void {
  const result = spawnSync('bash', ['scripts/emulator/ensure-venv.sh'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(
      'could not prepare the moto AWS emulator in .venv/moto (see the ensure-venv ' +
        'messages above): fix the Python or pip problem they name, or set ' +
        'AWS_ENDPOINT_URL to an emulator that is already running',
    );
  }
}

/** Starts moto_server on a free 127.0.0.1 port and waits until it responds. */
export async function startMotoServer(): Promise<MotoServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    // Another process may take the free port before moto binds it: try a new one.
    try {
      return await startOnPort(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnPort(port: number): Promise<MotoServer> {
  const started = performance.now();
  const child = spawn('bash', ['scripts/emulator/moto-server.sh', String(port)], {
    cwd: ROOT,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = keepTail(child);
  const processGroup = child.pid;
  if (processGroup === undefined) {
    throw new Error(
      `could not start scripts/emulator/moto-server.sh: bash did not spawn`,
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;

  try {
    await waitUntilAnswering(endpoint, child, output);
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
  return {
    endpoint,
    startMs: Math.round(performance.now() - started),
    processGroup,
    stop: () => stopGroup(child),
  };
}

/** Keeps the last 4 KiB of output for error messages, since moto logs every request. */
function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited before responding on ${endpoint}:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, {
        signal: AbortSignal.timeout(1000),
      });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(
    `moto_server did not respond on ${endpoint} within ${START_TIMEOUT_MS} ms:\n${output()}`,
  );
}

/** Ends the whole process group (wrapper, moto, watchdog): SIGTERM, then SIGKILL. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  child.stdin?.end();
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }

  const exited = once(child, 'exit');
  signalGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  // The wrapper may exit before moto does: make sure nothing of the group is left.
  signalGroup(pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') {
    throw new Error('could not read the port of a loopback listener');
  }
  return address.port;
}
