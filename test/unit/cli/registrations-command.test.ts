import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import type { Env } from '../../../shared/config/env.js';
import { SqliteRegistrationStore } from '../../../shared/registrations/sqlite-store.js';
import { registrationInput } from '../../support/registrations-fixtures.js';

let dataDir: string;
let env: Env;
let store: SqliteRegistrationStore;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-cli-'));
  env = { XAPS_DATA_DIR: dataDir };
  store = new SqliteRegistrationStore(join(dataDir, 'registrations.sqlite'));
});

afterEach(async () => {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs the CLI in-process and returns its exit status and output. */
async function xaps(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

async function registerAlice(deviceToken: string) {
  await store.upsert(registrationInput({ user: 'alice@example.com', deviceToken }));
}

const TOKEN_A = `aaaa1111${'0'.repeat(56)}`;
const TOKEN_B = `aaaa2222${'0'.repeat(56)}`;

describe('xaps registrations list', () => {
  it('prints devices by token prefix', async () => {
    await registerAlice(TOKEN_A);

    const result = await xaps('registrations', 'list', '--user', 'Alice@Example.com');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('alice@example.com: 1 device(s)');
    expect(result.stdout).toContain('aaaa1111…');
    expect(result.stdout).not.toContain(TOKEN_A);
  });

  it('prints JSON for scripts', async () => {
    await registerAlice(TOKEN_A);

    const result = await xaps(
      'registrations',
      'list',
      '--user',
      'alice@example.com',
      '--json',
    );
    const devices = JSON.parse(result.stdout) as Record<string, unknown>[];

    expect(devices).toHaveLength(1);
    expect(devices[0]?.tokenPrefix).toBe('aaaa1111');
    expect(devices[0]?.mailboxes).toEqual(['INBOX', 'Sent Messages']);
    expect(result.stdout).not.toContain(TOKEN_A);
  });

  it('requires the --user option', async () => {
    const result = await xaps('registrations', 'list');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("required option '--user <name>'");
  });

  it('names a missing data directory', async () => {
    env = { XAPS_DATA_DIR: join(dataDir, 'missing') };

    const result = await xaps('registrations', 'list', '--user', 'alice');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('XAPS_DATA_DIR');
  });

  it('reports invalid settings', async () => {
    env = { ...env, XAPS_MAX_DEVICES_PER_USER: 'many' };

    const result = await xaps('registrations', 'list', '--user', 'alice');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('XAPS_MAX_DEVICES_PER_USER');
  });
});

describe('xaps registrations delete', () => {
  it('deletes one device by prefix', async () => {
    await registerAlice(TOKEN_A);
    await registerAlice(TOKEN_B);

    const result = await xaps(
      'registrations',
      'delete',
      '--user',
      'alice@example.com',
      '--token',
      'AAAA2222',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('deleted 1 registration(s) of alice@example.com\n');
    const left = await store.listByUser('alice@example.com');
    expect(left.map((row) => row.deviceToken)).toEqual([TOKEN_A]);
  });

  it('refuses an ambiguous prefix', async () => {
    await registerAlice(TOKEN_A);
    await registerAlice(TOKEN_B);

    const result = await xaps(
      'registrations',
      'delete',
      '--user',
      'alice@example.com',
      '--token',
      'aaaa',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('matches 2 devices');
    expect(await store.listByUser('alice@example.com')).toHaveLength(2);
  });

  it('reports an unknown prefix', async () => {
    await registerAlice(TOKEN_A);

    const result = await xaps(
      'registrations',
      'delete',
      '--user',
      'alice@example.com',
      '--token',
      'bbbb',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('starting with bbbb');
  });

  it('deletes every device without --token', async () => {
    await registerAlice(TOKEN_A);
    await registerAlice(TOKEN_B);

    const result = await xaps(
      'registrations',
      'delete',
      '--user',
      'alice@example.com',
      '--json',
    );

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      user: 'alice@example.com',
      deleted: expect.arrayContaining(['aaaa1111', 'aaaa2222']),
    });
    expect(await store.listByUser('alice@example.com')).toEqual([]);
  });
});

describe('xaps help', () => {
  it.each([[[]], [['registrations']], [['push', 'test']], [['serve']]])(
    'prints help for %j',
    async (args) => {
      const result = await xaps(...args, '--help');

      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: xaps');
    },
  );
});
