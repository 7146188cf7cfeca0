import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserMapping, removePlusTag } from '../../../shared/users/user-mapping.js';

describe('createUserMapping defaults', () => {
  const mapping = createUserMapping();

  it('lower-cases usernames and addresses', () => {
    expect(mapping.map('Alice')).toBe('alice');
    expect(mapping.map('Alice@Example.COM')).toBe('alice@example.com');
  });

  it('folds plus tags', () => {
    expect(mapping.map('bob+lists@example.com')).toBe('bob@example.com');
    expect(mapping.map('bob+lists')).toBe('bob');
    expect(mapping.map('Bob+A+B@Example.com')).toBe('bob@example.com');
  });

  it('keeps names without a tag', () => {
    expect(mapping.map('carol@example.com')).toBe('carol@example.com');
    expect(mapping.map('+tag@example.com')).toBe('+tag@example.com');
    expect(mapping.map('dave+@example.com')).toBe('dave@example.com');
  });

  it('trims surrounding whitespace', () => {
    expect(mapping.map('  alice@example.com \t')).toBe('alice@example.com');
  });

  it('rejects an empty username', () => {
    expect(() => mapping.map('')).toThrow("username '' is empty");
    expect(() => mapping.map('   ')).toThrow('is empty');
  });
});

describe('createUserMapping options', () => {
  it('keeps case when lowercase is off', () => {
    const mapping = createUserMapping({ lowercase: false });

    expect(mapping.map('Alice+Tag@Example.com')).toBe('Alice@Example.com');
  });

  it('keeps tags when folding is off', () => {
    const mapping = createUserMapping({ foldPlusTag: false });

    expect(mapping.map('Bob+Lists@example.com')).toBe('bob+lists@example.com');
  });

  it('applies aliases after folding', () => {
    const mapping = createUserMapping({
      aliases: { 'Sales@Example.com': 'bob@example.com' },
    });

    expect(mapping.map('sales+eu@EXAMPLE.com')).toBe('bob@example.com');
    expect(mapping.map('support@example.com')).toBe('support@example.com');
  });

  it('matches alias keys case-insensitively', () => {
    const aliases = new Map([['PostMaster', 'Alice']]);
    const mapping = createUserMapping({ lowercase: false, aliases });

    expect(mapping.map('POSTMASTER')).toBe('Alice');
    expect(mapping.map('Other')).toBe('Other');
  });

  it('lower-cases alias targets by default', () => {
    const mapping = createUserMapping({ aliases: { postmaster: 'Alice' } });

    expect(mapping.map('postmaster')).toBe('alice');
  });

  it('rejects an alias with a tag', () => {
    expect(() => createUserMapping({ aliases: { 'bob+x': 'bob' } })).toThrow("use 'bob'");
  });

  it('accepts tagged aliases without folding', () => {
    const mapping = createUserMapping({
      foldPlusTag: false,
      aliases: { 'bob+x': 'carol' },
    });

    expect(mapping.map('Bob+X')).toBe('carol');
  });

  it('rejects an alias with an empty side', () => {
    expect(() => createUserMapping({ aliases: { ' ': 'bob' } })).toThrow('empty side');
    expect(() => createUserMapping({ aliases: { bob: '' } })).toThrow('empty side');
  });
});

describe('createUserMapping alias file', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xaps-user-mapping-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads aliases from a file', async () => {
    const aliasFile = join(dir, 'aliases');
    await writeFile(
      aliasFile,
      '# aliases\npostmaster: alice\nsales@example.com: bob@example.com\n',
    );
    const mapping = createUserMapping({ aliasFile });

    expect(mapping.map('PostMaster')).toBe('alice');
    expect(mapping.map('sales+q3@example.com')).toBe('bob@example.com');
  });

  it('lets inline aliases override the file', async () => {
    const aliasFile = join(dir, 'override');
    await writeFile(aliasFile, 'postmaster: alice\n');
    const mapping = createUserMapping({ aliasFile, aliases: { POSTMASTER: 'carol' } });

    expect(mapping.map('postmaster')).toBe('carol');
  });

  it('names a missing alias file', () => {
    const aliasFile = join(dir, 'missing');

    expect(() => createUserMapping({ aliasFile })).toThrow(`alias file '${aliasFile}'`);
  });
});

describe('removePlusTag', () => {
  it('uses the last at sign', () => {
    expect(removePlusTag('"a@b"+tag@example.com')).toBe('"a@b"@example.com');
  });
});

describe('createUserMapping invalid names', () => {
  const mapping = createUserMapping();

  it('rejects a control character', () => {
    expect(() => mapping.map('alice\nbob@example.com')).toThrow(/no control characters/);
  });

  it('rejects a NUL byte', () => {
    expect(() => mapping.map('alice\u0000@example.com')).toThrow(/is invalid/);
  });

  it('rejects an overlong name', () => {
    expect(() => mapping.map(`${'a'.repeat(1100)}@example.com`)).toThrow(
      /at most 1024 characters/,
    );
  });

  it('accepts a long address', () => {
    const name = `${'a'.repeat(64)}@${'b'.repeat(250)}.com`;

    expect(mapping.map(name)).toBe(name);
  });
});
