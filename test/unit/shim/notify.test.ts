import { afterEach, describe, expect, it } from 'vitest';
import type { PushOutcome } from '../../../shared/apns/types.js';
import { registrationInput } from '../../support/registrations-fixtures.js';
import {
  overrideStore,
  type RunningShim,
  readFixture,
  startShim,
  TOPIC,
  waitUntil,
} from './harness.js';
import { pluginRequest, sendOnce } from './raw-http.js';

const USER = 'alice@example.com';
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

async function notifyBody(overrides: Record<string, unknown> = {}): Promise<string> {
  const fixture = JSON.parse(await readFixture('dovecot-notify.json')) as object;
  return JSON.stringify({ ...fixture, ...overrides });
}

async function registerDevice(shim: RunningShim, mailboxes = ['INBOX', 'Sent Messages']) {
  const input = registrationInput({ user: USER, topic: TOPIC, mailboxes });
  await shim.store.upsert(input);
  return input;
}

describe('POST /notify responses', () => {
  it('queues push and returns 200', async () => {
    const shim = await start();
    const device = await registerDevice(shim);

    const response = await sendOnce(
      shim.port,
      pluginRequest('/notify', await notifyBody()),
    );
    await waitUntil(() => shim.sender.requests.length === 1);

    expect(response.status).toBe(200);
    expect(shim.sender.requests[0]?.deviceToken).toBe(device.deviceToken);
    expect(shim.sender.requests[0]?.accountId).toBe(device.accountId);
  });

  it('returns 204 for other events', async () => {
    const shim = await start();
    await registerDevice(shim);
    const body = await notifyBody({ Events: ['FlagsSet', 'MessageRead'] });

    const response = await sendOnce(shim.port, pluginRequest('/notify', body));

    expect(response.status).toBe(204);
    expect(shim.sender.requests).toHaveLength(0);
  });

  it('accepts MessageAppend by default', async () => {
    const shim = await start();
    await registerDevice(shim);
    const body = await notifyBody({
      Mailbox: 'Sent Messages',
      Events: ['MessageAppend'],
    });

    const response = await sendOnce(shim.port, pluginRequest('/notify', body));

    expect(response.status).toBe(200);
  });

  it('returns 404 without devices', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      pluginRequest('/notify', await notifyBody()),
    );

    expect(response.status).toBe(404);
    const lines = shim.logger.matching({ user: USER });
    expect(lines.map((line) => line.level)).toEqual(['debug']);
  });

  it('returns 204 for unregistered mailbox', async () => {
    const shim = await start();
    await registerDevice(shim, ['INBOX']);
    const body = await notifyBody({ Mailbox: 'Junk' });

    const response = await sendOnce(shim.port, pluginRequest('/notify', body));

    expect(response.status).toBe(204);
    expect(shim.sender.requests).toHaveLength(0);
  });

  it('matches UTF-8 mailbox names', async () => {
    const shim = await start();
    await registerDevice(shim, ['INBOX', 'Entwürfe']);
    const body = await notifyBody({ Mailbox: 'Entwürfe' });

    const response = await sendOnce(shim.port, pluginRequest('/notify', body));

    expect(response.status).toBe(200);
  });

  it('maps the username like /register', async () => {
    const shim = await start();
    await registerDevice(shim);
    const body = await notifyBody({ Username: 'ALICE@example.com' });

    const response = await sendOnce(shim.port, pluginRequest('/notify', body));

    expect(response.status).toBe(200);
  });
});

describe('POST /notify while pushing', () => {
  it('returns before APNs does', async () => {
    const shim = await start();
    const device = await registerDevice(shim);
    let release: (outcome: PushOutcome) => void = () => {};
    shim.sender.respondWith(
      device.deviceToken,
      () => new Promise((resolve) => (release = resolve)),
    );

    const response = await sendOnce(
      shim.port,
      pluginRequest('/notify', await notifyBody()),
    );

    expect(response.status).toBe(200);
    expect(shim.context.queue.size).toBe(1);
    await waitUntil(() => shim.sender.requests.length === 1);
    release({ kind: 'delivered', status: 200, apnsId: 'held' });
    await waitUntil(() => shim.context.queue.size === 0);
  });

  it('returns 503 when queue is full', async () => {
    const shim = await start({ pushQueueSize: 1 });
    const device = await registerDevice(shim);
    let release: (outcome: PushOutcome) => void = () => {};
    shim.sender.respondWith(
      device.deviceToken,
      () => new Promise((resolve) => (release = resolve)),
    );

    const first = await sendOnce(shim.port, pluginRequest('/notify', await notifyBody()));
    const second = await sendOnce(
      shim.port,
      pluginRequest('/notify', await notifyBody()),
    );
    await waitUntil(() => shim.sender.requests.length === 1);
    release({ kind: 'delivered', status: 200, apnsId: 'held' });

    expect(first.status).toBe(200);
    expect(second.status).toBe(503);
    expect(shim.logger.matching({ reason: 'queue-full' })).toHaveLength(1);
  });
});

describe('POST /notify errors', () => {
  it('returns 503 without credential', async () => {
    const shim = await start({ credential: null });
    await registerDevice(shim);

    const response = await sendOnce(
      shim.port,
      pluginRequest('/notify', await notifyBody()),
    );

    expect(response.status).toBe(503);
    expect(response.body).toContain('XAPS_APNS_CERT');
  });

  it('rejects non-list events', async () => {
    const shim = await start();
    const body = await notifyBody({ Events: 'MessageNew' });

    const response = await sendOnce(shim.port, pluginRequest('/notify', body));

    expect(response.status).toBe(400);
    expect(response.body).toContain('Events');
  });

  it('returns 500 when the store fails', async () => {
    const shim = await start({
      wrapStore: (store) =>
        overrideStore(store, {
          listByUser: () => Promise.reject(new Error('disk I/O error')),
        }),
    });

    const response = await sendOnce(
      shim.port,
      pluginRequest('/notify', await notifyBody()),
    );

    expect(response.status).toBe(500);
    expect(shim.logger.matching({ path: '/notify' }).map((line) => line.level)).toEqual([
      'error',
    ]);
  });
});
