import { afterEach, describe, expect, it } from 'vitest';
import { type RunningShim, readFixture, startShim, TOPIC } from './harness.js';
import { pluginRequest, sendOnce } from './raw-http.js';

const SECRET = 'correct horse battery staple';
const running: RunningShim[] = [];

async function start(): Promise<RunningShim> {
  const shim = await startShim({ sharedSecret: SECRET });
  running.push(shim);
  return shim;
}

afterEach(async () => {
  for (const shim of running.splice(0)) {
    await shim.cleanup();
  }
});

async function registerWith(shim: RunningShim, headers: Record<string, string>) {
  const body = await readFixture('dovecot-register.json');
  return sendOnce(shim.port, pluginRequest('/register', body, headers));
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('shared secret', () => {
  it('rejects a request without it', async () => {
    const shim = await start();

    const response = await registerWith(shim, {});

    expect(response.status).toBe(401);
    expect(response.body).toContain('XAPS_SHARED_SECRET');
  });

  it('accepts a bearer token', async () => {
    const shim = await start();

    const response = await registerWith(shim, { Authorization: `Bearer ${SECRET}` });

    expect(response.status).toBe(200);
    expect(response.body).toBe(TOPIC);
  });

  it('accepts basic auth password', async () => {
    const shim = await start();

    const response = await registerWith(shim, { Authorization: basic('xaps', SECRET) });

    expect(response.status).toBe(200);
  });

  it('rejects a wrong bearer token', async () => {
    const shim = await start();

    const response = await registerWith(shim, { Authorization: `Bearer ${SECRET}x` });

    expect(response.status).toBe(401);
  });

  it('rejects the secret as username', async () => {
    const shim = await start();

    const response = await registerWith(shim, { Authorization: basic(SECRET, 'wrong') });

    expect(response.status).toBe(401);
  });

  it('guards /health too', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );

    expect(response.status).toBe(401);
  });

  it('never logs the secret', async () => {
    const shim = await start();

    await registerWith(shim, { Authorization: `Bearer ${SECRET}x` });

    expect(shim.logger.entries.length).toBeGreaterThan(0);
    expect(shim.logger.text()).not.toContain(SECRET);
  });
});
