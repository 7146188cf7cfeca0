import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Starts a TypeScript file under test/support/ in a new node process through tsx. */
export function spawnSupportScript(script: string, args: string[]): ChildProcess {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', path, ...args], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Collects a child's stdout as complete lines, calling onLine for each. */
export function collectLines(
  child: ChildProcess,
  onLine: (line: string) => void,
): string[] {
  const lines: string[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      onLine(line);
    }
  });
  return lines;
}

/** Collects a child's stderr as one string, for assertions and failure messages. */
export function collectStderr(child: ChildProcess): { text: string } {
  const output = { text: '' };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output.text += chunk;
  });
  return output;
}

/** Resolves with the exit code and signal once the child has exited. */
export function waitForExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Resolves when the child prints a line matching the test, rejecting if it exits first. */
export function waitForLine(
  child: ChildProcess,
  test: (line: string) => boolean,
): Promise<string> {
  const stderr = collectStderr(child);
  return new Promise((resolve, reject) => {
    collectLines(child, (line) => {
      if (test(line)) {
        resolve(line);
      }
    });
    child.once('exit', (code, signal) => {
      reject(new Error(`child exited (code ${code}, signal ${signal}): ${stderr.text}`));
    });
  });
}
