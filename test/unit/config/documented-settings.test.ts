import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CODE_DIRS = ['shared', 'shim', 'cli', 'functions'];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return sourceFiles(path);
    }
    return /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

const READ_PATTERNS = [
  /\bprocess\.env\.([A-Z][A-Z0-9_]*)/g,
  /\bprocess\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
  /\b(XAPS_[A-Z0-9_]*[A-Z0-9])\b/g,
];
// Constants such as XAPS_KEYS share the prefix but are code identifiers, not settings.
const DECLARATION =
  /\b(?:const|let|var|function|class|type|interface|enum)\s+(XAPS_[A-Z0-9_]+)/g;

/** Collects every environment variable name the code reads: process.env.X and XAPS_* names. */
function variablesReadByCode(): Set<string> {
  const names = new Set<string>();
  const identifiers = new Set<string>();
  for (const file of CODE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of READ_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        names.add(match[1] ?? '');
      }
    }
    for (const match of text.matchAll(DECLARATION)) {
      identifiers.add(match[1] ?? '');
    }
  }
  return new Set([...names].filter((name) => name !== '' && !identifiers.has(name)));
}

describe('docs/configuration.md', () => {
  const documented = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const variables = [...variablesReadByCode()].sort();

  it('finds variables in the code', () => {
    expect(variables).toContain('XAPS_DATA_DIR');
  });

  it.each(variables)('documents %s', (name) => {
    expect(documented).toMatch(new RegExp(`\`${name}\``));
  });
});
