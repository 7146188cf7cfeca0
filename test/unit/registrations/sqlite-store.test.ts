import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../shared/registrations/sqlite-schema.js';
import { SqliteRegistrationStore } from '../../../shared/registrations/sqlite-store.js';
import { REGISTRATION_TTL_MS } from '../../../shared/registrations/types.js';
import { registrationInput, uniqueUser } from '../../support/registrations-fixtures.js';

let dataDir = '';
let file = '';
const opened: SqliteRegistrationStore[] = [];

function openStore(options = {}): SqliteRegistrationStore {
  const store = new SqliteRegistrationStore(file, options);
  opened.push(store);
  return store;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-sqlite-store-'));
  file = join(dataDir, 'registrations.sqlite');
});

afterEach(async () => {
  for (const store of opened.splice(0)) {
    await store.close();
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('SqliteRegistrationStore file', () => {
  it('uses WAL and the schema version', async () => {
    openStore();
    const raw = new Database(file, { readonly: true });

    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('rejects a newer schema version', async () => {
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();

    expect(() => openStore()).toThrow(`schema version ${SCHEMA_VERSION + 1}`);
    expect(() => openStore()).toThrow(file);
  });

  it('keeps registrations across reopening', async () => {
    const input = registrationInput({ mailboxes: ['INBOX', 'Entwürfe'] });
    const first = openStore();
    await first.upsert(input);
    await first.close();

    const rows = await openStore().listByUser(input.user);

    expect(rows).toHaveLength(1);
    expect(rows[0]?.mailboxes).toEqual(['INBOX', 'Entwürfe']);
  });

  it('shares one file between connections', async () => {
    const server = openStore();
    const cli = openStore();
    const fromServer = registrationInput();
    const fromCli = registrationInput({ user: fromServer.user });

    await server.upsert(fromServer);
    await cli.upsert(fromCli);

    expect(await server.listByUser(fromServer.user)).toHaveLength(2);
    expect(await cli.listByUser(fromServer.user)).toHaveLength(2);
    expect(await cli.delete(fromServer.user, fromServer.deviceToken)).toBe(true);
    expect(await server.listByUser(fromServer.user)).toHaveLength(1);
  });

  it('names the file when locked', async () => {
    const store = openStore({ busyTimeoutMs: 20 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');

    await expect(store.upsert(registrationInput())).rejects.toThrow(file);
    await expect(store.deleteByUser(uniqueUser())).rejects.toThrow(
      'timed out after 20 ms',
    );
    other.exec('ROLLBACK');
    other.close();
  });
});

describe('SqliteRegistrationStore maintenance', () => {
  it('purges only expired rows', async () => {
    const store = openStore();
    const now = Date.now();
    const old = registrationInput();
    const fresh = registrationInput();
    await store.upsert(old, now - REGISTRATION_TTL_MS);
    await store.upsert(fresh, now);

    expect(await store.purgeExpired(now)).toBe(1);
    expect(await store.listByUser(old.user, now - 1)).toEqual([]);
    expect(await store.listByUser(fresh.user, now)).toHaveLength(1);
  });

  it('rejects an invalid device cap', () => {
    expect(() => openStore({ maxDevicesPerUser: 0 })).toThrow('maxDevicesPerUser 0');
    expect(() => openStore({ maxDevicesPerUser: 2.5 })).toThrow('maxDevicesPerUser 2.5');
  });

  it('reports a corrupt mailbox list', async () => {
    const store = openStore();
    const input = registrationInput();
    await store.upsert(input);
    const raw = new Database(file);
    raw
      .prepare('UPDATE registrations SET mailboxes = ? WHERE user = ?')
      .run('{', input.user);
    raw.close();

    await expect(store.listByUser(input.user)).rejects.toThrow('invalid mailbox list');
    await expect(store.listByUser(input.user)).rejects.toThrow(
      input.deviceToken.slice(0, 8),
    );
  });
});
