import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { awsEmulator } from '../../support/aws-env.js';
import { freePort, startMotoServer } from '../../support/aws-moto.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** True while any process of the group exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the process group has ended. Past the limit, kills it and returns false. */
async function goneWithin(pgid: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      process.kill(-pgid, 'SIGKILL');
      return false;
    }
    await sleep(50);
  }
  return true;
}

/** Polls a URL until it responds, and returns false when the limit passes first. */
async function answersWithin(url: string, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      return true;
    } catch {
      await sleep(100);
    }
  }
  return false;
}

describe('AWS test environment', () => {
  it('points the SDK at the emulator', async () => {
    const expected = new URL(awsEmulator().endpoint);
    const client = new DynamoDBClient({});
    let target = '';
    // Fails the request before it leaves when the host is not the emulator.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { hostname?: string; port?: number };
        target = `${request.hostname}:${request.port}`;
        if (request.hostname !== expected.hostname) {
          throw new Error(`request aimed at ${target}, not at the emulator`);
        }
        return next(args);
      },
      { step: 'finalizeRequest' },
    );

    const tables = await client.send(new ListTablesCommand({}));
    client.destroy();

    expect(target).toBe(`${expected.hostname}:${expected.port}`);
    expect(tables.TableNames).toBeInstanceOf(Array);
  });
});

// These start their own moto, so they need the venv the global setup made.
describe.runIf(awsEmulator().startedMoto)('moto server harness', () => {
  it('responds on a loopback port', async () => {
    const server = await startMotoServer();
    const response = await fetch(`${server.endpoint}/moto-api/`);
    await response.body?.cancel();
    await server.stop();

    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(response.ok).toBe(true);
  });

  it('leaves no process after stop', async () => {
    const server = await startMotoServer();
    await server.stop();

    expect(await goneWithin(server.processGroup, 5_000)).toBe(true);
  });

  it('stops when its stdin closes', async () => {
    const port = await freePort();
    const child = spawn('bash', ['scripts/emulator/moto-server.sh', String(port)], {
      cwd: ROOT,
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const pgid = child.pid ?? 0;
    const answered = await answersWithin(`http://127.0.0.1:${port}/moto-api/`, 30_000);

    child.stdin.end();
    const gone = await goneWithin(pgid, 5_000);

    expect(answered).toBe(true);
    expect(gone).toBe(true);
  });
});
