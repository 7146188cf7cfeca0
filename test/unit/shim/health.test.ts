import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApnsClient } from '../../../shared/apns/client.js';
import { createLogger } from '../../../shared/log/logger.js';
import { MonitoredSender } from '../../../shim/monitored-sender.js';
import { createTestPki } from '../../support/pki.js';
import { overrideStore, type RunningShim, startShim, TOPIC } from './harness.js';
import { sendOnce } from './raw-http.js';

const running: RunningShim[] = [];

async function start(
  options: Parameters<typeof startShim>[0] = {},
): Promise<RunningShim> {
  const shim = await startShim(options);
  running.push(shim);
  return shim;
}

afterEach(async () => {
  for (const shim of running.splice(0)) {
    await shim.cleanup();
  }
});

/** Returns a loopback port that nothing listens on, so connects are refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function silentLogger() {
  const logger = createLogger('xaps-test');
  logger.setLogLevel('SILENT');
  return logger;
}

async function health(shim: RunningShim) {
  const response = await sendOnce(
    shim.port,
    'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
  );
  return {
    status: response.status,
    report: JSON.parse(response.body) as Record<string, unknown>,
  };
}

describe('GET /health', () => {
  it('reports ok with a credential', async () => {
    const shim = await start();

    const { status, report } = await health(shim);

    expect(status).toBe(200);
    expect(report.status).toBe('ok');
    expect(report.store).toEqual({ state: 'ok' });
    expect(report.credential).toMatchObject({
      loaded: true,
      topic: TOPIC,
      environment: 'production',
      expired: false,
    });
  });

  it('returns 503 without credential', async () => {
    const shim = await start({ credential: null });

    const { status, report } = await health(shim);

    expect(status).toBe(503);
    expect(report.credential).toEqual({ loaded: false });
  });

  it('returns 503 for expired credential', async () => {
    const shim = await start({
      credential: {
        kind: 'xserver-certificate',
        topic: TOPIC,
        notAfter: new Date(Date.now() - 1000),
        environment: 'sandbox',
      },
    });

    const { status, report } = await health(shim);

    expect(status).toBe(503);
    expect(report.credential).toMatchObject({ expired: true });
  });

  it('returns 503 when the store fails', async () => {
    const shim = await start({
      wrapStore: (store) =>
        overrideStore(store, {
          listByUser: () => Promise.reject(new Error('database locked')),
        }),
    });

    const { status, report } = await health(shim);

    expect(status).toBe(503);
    expect(report.store).toEqual({ state: 'error', error: 'database locked' });
  });

  it('returns 503 while APNs is unreachable', async () => {
    const shim = await start();
    const pki = createTestPki();
    const client = new ApnsClient({
      credential: { kind: 'certificate', ...pki.client },
      endpoint: `https://127.0.0.1:${await refusedPort()}`,
      ca: pki.ca.certPem,
      logger: silentLogger(),
    });
    const sender = new MonitoredSender(client);
    shim.context.apnsStatus = () => sender.status();
    const request = { deviceToken: 'ab'.repeat(32), topic: TOPIC, accountId: 'acc' };
    for (let i = 0; i < 3; i += 1) {
      await sender.push(request);
    }
    await sender.close();

    const { status, report } = await health(shim);

    expect(status).toBe(503);
    expect(report.apns).toMatchObject({ healthy: false });
    expect(JSON.stringify(report.apns)).toContain('ECONNREFUSED');
  });

  it('returns 405 for POST', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      'POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n',
    );

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('returns 404 for unknown paths', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      'GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );

    expect(response.status).toBe(404);
  });
});
