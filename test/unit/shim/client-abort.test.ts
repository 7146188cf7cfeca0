import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningShim, startShim, waitUntil } from './harness.js';

const running: RunningShim[] = [];

afterEach(async () => {
  for (const shim of running.splice(0)) {
    await shim.cleanup();
  }
});

/** Sends the headers and part of the body of a request, then closes the connection. */
async function abortMidBody(port: number, path: string): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      'Content-Length: 200\r\n\r\n{"Username":',
  );
  // Gives the server time to parse the headers and start reading the body.
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
}

describe('requests the client aborts', () => {
  it.each(['/register', '/notify'])('logs %s abort at info', async (path) => {
    const shim = await startShim();
    running.push(shim);

    await abortMidBody(shim.port, path);
    await waitUntil(() =>
      shim.logger.entries.some(
        (entry) => entry.message === 'request aborted by the client',
      ),
    );

    const aborted = shim.logger.matching({ path });
    expect(aborted.map((entry) => entry.level)).toEqual(['info']);
    expect(aborted[0]?.fields.reason).toBe('aborted');
    expect(shim.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
