import { readFileSync } from 'node:fs';

/**
 * Parses an alias file into a map from alias (lower-cased) to real username.
 *
 * Format: one `alias: username` pair per line, split at the first colon, with
 * whitespace around both sides ignored. Blank lines and lines whose first
 * non-blank character is `#` are skipped. Aliases are case-insensitive, so
 * `Bob` and `bob` on two lines are the same alias and that is an error.
 *
 *     # alias: real IMAP username
 *     postmaster: alice
 *     sales@example.com: bob@example.com
 */
export function parseAliasFile(text: string, source: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const firstLine = new Map<string, number>();
  const lines = text.split(/\r?\n/);

  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }

    const [alias, user] = splitAliasLine(line, source, lineNumber);
    const earlier = firstLine.get(alias);
    if (earlier !== undefined) {
      throw new Error(
        `alias file '${source}' line ${lineNumber}: alias '${alias}' is already ` +
          `defined on line ${earlier}: keep one of the two lines`,
      );
    }
    firstLine.set(alias, lineNumber);
    aliases.set(alias, user);
  }

  return aliases;
}

/** Reads and parses an alias file (see parseAliasFile for the format). */
export function loadAliasFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`alias file '${path}' could not be read: ${reason}`);
  }
  return parseAliasFile(text, path);
}

function splitAliasLine(
  line: string,
  source: string,
  lineNumber: number,
): [string, string] {
  const colon = line.indexOf(':');
  const where = `alias file '${source}' line ${lineNumber}`;
  if (colon < 0) {
    throw new Error(`${where}: expected 'alias: username', got '${line}'`);
  }

  const alias = line.slice(0, colon).trim().toLowerCase();
  const user = line.slice(colon + 1).trim();
  if (alias === '') {
    throw new Error(`${where}: the alias before ':' is empty in '${line}'`);
  }
  if (user === '') {
    throw new Error(`${where}: the username after ':' is empty in '${line}'`);
  }
  return [alias, user];
}
