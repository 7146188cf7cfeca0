import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import type { Env } from '../../../shared/config/env.js';
import { freePort } from '../../e2e/processes.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xaps-startup-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process and returns its exit status and output. */
async function xaps(env: Env, ...args: string[]) {
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

/** Matches a line of a stack trace. */
const STACK_LINE = /^\s+at /m;

describe('XAPS_USER_ALIAS_FILE errors', () => {
  const listWithMissingAliasFile = () =>
    xaps(
      { XAPS_DATA_DIR: dir, XAPS_USER_ALIAS_FILE: join(dir, 'missing-aliases.txt') },
      'registrations',
      'list',
      '--user',
      'alice',
    );

  it('exits 1 on missing file', async () => {
    const { code } = await listWithMissingAliasFile();

    expect(code).toBe(1);
  });

  it('names the variable, no stack', async () => {
    const { stderr } = await listWithMissingAliasFile();

    expect(stderr).toContain('XAPS_USER_ALIAS_FILE');
    expect(stderr).not.toMatch(STACK_LINE);
  });
});

describe('xaps start-up checks', () => {
  it('rejects an invalid log level', async () => {
    const result = await xaps(
      { XAPS_DATA_DIR: dir, XAPS_LOG_LEVEL: 'verbose' },
      'registrations',
      'list',
      '--user',
      'alice',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("XAPS_LOG_LEVEL='verbose' is invalid");
  });

  it('names a damaged registrations file', async () => {
    const file = join(dir, 'registrations.sqlite');
    await writeFile(file, 'this is not a database, it is plain text '.repeat(100));

    const result = await xaps(
      { XAPS_DATA_DIR: dir },
      'registrations',
      'list',
      '--user',
      'a',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('move the file aside');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('names a data dir that is a file', async () => {
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');

    const listen = `127.0.0.1:${await freePort()}`;

    const result = await xaps({ XAPS_DATA_DIR: file, XAPS_LISTEN: listen }, 'serve');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('XAPS_DATA_DIR');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('prints the package version', async () => {
    const result = await xaps({}, '--version');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
