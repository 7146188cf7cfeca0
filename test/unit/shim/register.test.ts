import { afterEach, describe, expect, it } from 'vitest';
import type { RegistrationStore } from '../../../shared/registrations/types.js';
import {
  overrideStore,
  type RunningShim,
  readFixture,
  startShim,
  TOPIC,
} from './harness.js';
import { pluginRequest, RawConnection, sendOnce } from './raw-http.js';

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

async function registerBody(overrides: Record<string, unknown> = {}): Promise<string> {
  const fixture = JSON.parse(await readFixture('dovecot-register.json')) as object;
  return JSON.stringify({ ...fixture, ...overrides });
}

describe('POST /register response bytes', () => {
  it('sends topic in first chunk', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      pluginRequest('/register', await registerBody()),
    );

    expect(response.raw.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(response.body).toBe(TOPIC);
  });

  it('uses plain text with length', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      pluginRequest('/register', await registerBody()),
    );

    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(TOPIC)));
    expect(response.headers.has('transfer-encoding')).toBe(false);
  });

  it('has no trailing newline', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      pluginRequest('/register', await registerBody()),
    );

    expect(response.body.endsWith('\n')).toBe(false);
    expect(response.body.endsWith('\r')).toBe(false);
  });

  it('repeats on kept-alive connection', async () => {
    const shim = await start();
    const connection = await RawConnection.open(shim.port);
    const request = pluginRequest('/register', await registerBody());

    const first = await connection.send(request);
    const second = await connection.send(request);
    connection.close();

    expect(first.body).toBe(TOPIC);
    expect(second.body).toBe(TOPIC);
    expect(second.raw.slice(second.raw.indexOf('\r\n\r\n'))).toBe(
      first.raw.slice(first.raw.indexOf('\r\n\r\n')),
    );
  });
});

describe('POST /register storage', () => {
  it('stores the normalised registration', async () => {
    const shim = await start();
    const body = await registerBody({
      Username: 'Alice@Example.com',
      Mailboxes: ['INBOX', 'Sent Messages', 'Entw&APw-rfe'],
    });

    await sendOnce(shim.port, pluginRequest('/register', body));

    const [stored] = await shim.store.listByUser('alice@example.com');
    expect(stored?.deviceToken).toBe(
      '2918390d5b1c4e7f8a9b0c1d2e3f40516273849506172839a0b1c2d3e4f50617',
    );
    expect(stored?.mailboxes).toEqual(['INBOX', 'Sent Messages', 'Entwürfe']);
    expect(stored?.accountId).toBe('0715A26B-0000-4000-8000-793000CA982E');
    expect(stored?.topic).toBe(TOPIC);
  });

  it('keeps one row for repeats', async () => {
    const shim = await start();
    const request = pluginRequest('/register', await registerBody());

    await sendOnce(shim.port, request);
    await sendOnce(shim.port, request);

    expect(await shim.store.listByUser('alice@example.com')).toHaveLength(1);
  });

  it('logs token prefix only', async () => {
    const shim = await start();

    await sendOnce(shim.port, pluginRequest('/register', await registerBody()));

    expect(shim.logger.matching({ tokenPrefix: '2918390d…' })).toHaveLength(1);
    expect(shim.logger.text().toLowerCase()).not.toContain(
      '2918390d5b1c4e7f8a9b0c1d2e3f40516273849506172839a0b1c2d3e4f50617',
    );
  });
});

describe('POST /register errors', () => {
  it('rejects a foreign subtopic', async () => {
    const shim = await start();
    const body = await registerBody({ ApsSubtopic: 'com.example.app' });

    const response = await sendOnce(shim.port, pluginRequest('/register', body));

    expect(response.status).toBe(400);
    expect(response.body).toContain('com.apple.mobilemail');
    expect(response.body).not.toContain('\n');
  });

  it('rejects invalid JSON', async () => {
    const shim = await start();

    const response = await sendOnce(
      shim.port,
      pluginRequest('/register', '{"Username":'),
    );

    expect(response.status).toBe(400);
    expect(response.body).toBe('request body is not valid JSON');
  });

  it('rejects a missing username', async () => {
    const shim = await start();
    const body = await registerBody({ Username: undefined });

    const response = await sendOnce(shim.port, pluginRequest('/register', body));

    expect(response.status).toBe(400);
    expect(response.body).toContain('Username');
  });

  it('returns 503 without credential', async () => {
    const shim = await start({ credential: null });

    const response = await sendOnce(
      shim.port,
      pluginRequest('/register', await registerBody()),
    );

    expect(response.status).toBe(503);
    expect(response.body).toContain('XAPS_APNS_CERT');
    expect(response.body).toContain('XAPS_APNS_P12');
  });
});

describe('POST /register known topic', () => {
  it('returns persisted topic after credential loss', async () => {
    const first = await start();
    await sendOnce(first.port, pluginRequest('/register', await registerBody()));
    await first.stop();

    const second = await start({ credential: null, dataDir: first.dataDir });
    const response = await sendOnce(
      second.port,
      pluginRequest('/register', await registerBody()),
    );

    expect(response.status).toBe(200);
    expect(response.body).toBe(TOPIC);
  });

  it('returns topic when the store fails', async () => {
    const failing = (store: RegistrationStore) =>
      overrideStore(store, { upsert: () => Promise.reject(new Error('disk I/O error')) });
    const shim = await start({ wrapStore: failing });

    const response = await sendOnce(
      shim.port,
      pluginRequest('/register', await registerBody()),
    );

    expect(response.status).toBe(200);
    expect(response.body).toBe(TOPIC);
    const errors = shim.logger.entries.filter((entry) => entry.level === 'error');
    expect(errors.map((entry) => entry.message)).toEqual(['storing registration failed']);
  });
});
