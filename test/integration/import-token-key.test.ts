import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/program.js';
import type { Env } from '../../shared/config/env.js';
import { createTestPki, writePemFiles } from '../support/pki.js';
import { startTokenKeySetup, type TokenKeySetup } from '../support/token-key-setup.js';

// `xaps credential import` of a token key into the local data directory, and the checks
// of the options that set a token key apart from a certificate.
let setup: TokenKeySetup;
let dirCount = 0;

beforeAll(async () => {
  setup = await startTokenKeySetup();
});

afterAll(async () => {
  await setup?.close();
});

function dataDir(): string {
  dirCount += 1;
  return join(setup.temp.path, `data-${dirCount}`);
}

async function xaps(env: Env, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    env,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}

function importArgs(): string[] {
  return ['credential', 'import', '--p8', setup.keyPath, '--team-id', setup.teamId];
}

describe('xaps credential import --p8 locally', () => {
  it('replaces an imported certificate', async () => {
    const dir = dataDir();
    const pki = createTestPki();
    const pem = await writePemFiles(setup.temp.path, pki.client, `cert-${dirCount}`);
    await xaps(
      { XAPS_DATA_DIR: dir },
      'credential',
      'import',
      '--cert',
      pem.certPath,
      '--key',
      pem.keyPath,
    );

    const imported = await xaps(
      { XAPS_DATA_DIR: dir },
      ...importArgs(),
      '--topic',
      setup.topic,
    );

    expect(imported.code).toBe(0);
    expect((await readdir(join(dir, 'credential'))).sort()).toEqual([
      'apns-token-key.p8',
      'apns-token.json',
    ]);
  });

  it('shows the token key in status', async () => {
    const dir = dataDir();
    await xaps({ XAPS_DATA_DIR: dir }, ...importArgs(), '--topic', setup.topic);

    const status = await xaps({ XAPS_DATA_DIR: dir }, 'credential', 'status', '--json');

    expect(JSON.parse(status.out)).toMatchObject({
      mode: 'local',
      source: 'imported',
      credential: { kind: 'token-key', topic: setup.topic, notAfter: null },
    });
  });

  it('checks --topic against a certificate', async () => {
    const pki = createTestPki();
    const pem = await writePemFiles(setup.temp.path, pki.client, `topic-${dirCount}`);
    const args = ['credential', 'import', '--cert', pem.certPath, '--key', pem.keyPath];

    const imported = await xaps(
      { XAPS_DATA_DIR: dataDir() },
      ...args,
      '--topic',
      setup.topic,
    );

    expect(imported.code).toBe(1);
    expect(imported.err).toContain(`is for topic '${pki.client.topic}', not --topic`);
  });

  it('refuses a team id without --p8', async () => {
    const args = ['credential', 'import', '--p12', 'push.p12', '--team-id', setup.teamId];

    const imported = await xaps({ XAPS_DATA_DIR: dataDir() }, ...args);

    expect(imported.code).toBe(1);
    expect(imported.err).toContain('--key-id and --team-id belong to a token key');
  });

  it('refuses a key without a topic', async () => {
    const dir = dataDir();

    const imported = await xaps({ XAPS_DATA_DIR: dir }, ...importArgs());

    expect(imported.code).toBe(1);
    expect(imported.err).toContain('no topic given');
    expect(imported.err).toContain('nothing was stored');
  });
});
