import { describe, expect, it } from 'vitest';
import { parseAliasFile } from '../../../shared/users/alias-file.js';

describe('parseAliasFile', () => {
  it('parses pairs, comments and blanks', () => {
    const text =
      '# header\n\n  postmaster :  alice \r\nSales@Example.com: bob@example.com\n';
    const aliases = parseAliasFile(text, 'aliases');

    expect([...aliases.entries()]).toEqual([
      ['postmaster', 'alice'],
      ['sales@example.com', 'bob@example.com'],
    ]);
  });

  it('splits at the first colon', () => {
    const aliases = parseAliasFile('ops: team:ops\n', 'aliases');

    expect(aliases.get('ops')).toBe('team:ops');
  });

  it('names the line without a colon', () => {
    const text = 'postmaster: alice\n\nbob carol\n';

    expect(() => parseAliasFile(text, '/etc/xaps/aliases')).toThrow(
      "alias file '/etc/xaps/aliases' line 3: expected 'alias: username', got 'bob carol'",
    );
  });

  it('rejects an empty alias', () => {
    expect(() => parseAliasFile(': alice', 'aliases')).toThrow('line 1: the alias');
  });

  it('rejects an empty username', () => {
    expect(() => parseAliasFile('a: b\npostmaster:  ', 'aliases')).toThrow(
      'line 2: the username',
    );
  });

  it('rejects a duplicate alias', () => {
    const text = 'postmaster: alice\n# again\nPOSTMASTER: bob\n';

    expect(() => parseAliasFile(text, 'aliases')).toThrow(
      "line 3: alias 'postmaster' is already defined on line 1",
    );
  });
});
