import { loadAliasFile } from './alias-file.js';

export interface UserMappingOptions {
  /**
   * Whether every name is lower-cased (default true). Postfix lower-cases
   * recipient addresses and Dovecot passes usernames as typed, so both sides
   * meet only in lower case.
   */
  lowercase?: boolean;
  /** Whether `user+tag@domain` folds to `user@domain` and `user+tag` to `user` (default true). */
  foldPlusTag?: boolean;
  /** Alias to real username, looked up after folding with case-insensitive keys. */
  aliases?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** Path of an alias file in the format parseAliasFile documents. `aliases` entries win. */
  aliasFile?: string;
}

export interface UserMapping {
  /** Maps an IMAP username or a mail recipient address to the canonical username. */
  map(name: string): string;
}

/**
 * Maximum username length: well above any email address (at most 320 octets under the
 * RFC 5321 limits), so only garbage is rejected.
 */
const MAX_USERNAME_LENGTH = 1024;
// Control characters never belong in a username, and a stored one could corrupt log lines.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern matches them on purpose.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * Creates the one user mapping that the shim, the push path and the CLI share,
 * so a registration and the mail for it land on the same username.
 * Steps, in order: trim, lower-case, fold the plus tag, then look up an alias.
 */
export function createUserMapping(options: UserMappingOptions = {}): UserMapping {
  const lowercase = options.lowercase ?? true;
  const foldPlusTag = options.foldPlusTag ?? true;
  const aliases = collectAliases(options, foldPlusTag);

  return {
    map(name: string): string {
      const trimmed = name.trim();
      if (trimmed === '') {
        throw new Error(
          `username '${name}' is empty: expected an IMAP username or a ` +
            'recipient address such as alice@example.com',
        );
      }
      if (trimmed.length > MAX_USERNAME_LENGTH || CONTROL_CHARACTER.test(trimmed)) {
        throw new Error(
          `username '${JSON.stringify(trimmed.slice(0, 64)).slice(1, -1)}' is invalid: ` +
            `expected at most ${MAX_USERNAME_LENGTH} characters and no control characters`,
        );
      }

      let mapped = lowercase ? trimmed.toLowerCase() : trimmed;
      if (foldPlusTag) {
        mapped = removePlusTag(mapped);
      }

      const real = aliases.get(mapped.toLowerCase());
      if (real === undefined) {
        return mapped;
      }
      return lowercase ? real.toLowerCase() : real;
    },
  };
}

/**
 * Removes the `+tag` part of the local part: `bob+lists@example.com` becomes
 * `bob@example.com`. A name whose local part starts with `+` stays as it is,
 * because folding it would leave no user.
 */
export function removePlusTag(name: string): string {
  const at = name.lastIndexOf('@');
  const local = at < 0 ? name : name.slice(0, at);
  const domain = at < 0 ? '' : name.slice(at);

  const plus = local.indexOf('+');
  if (plus <= 0) {
    return name;
  }
  return local.slice(0, plus) + domain;
}

function collectAliases(
  options: UserMappingOptions,
  foldPlusTag: boolean,
): Map<string, string> {
  const aliases = new Map<string, string>();
  if (options.aliasFile !== undefined) {
    for (const [alias, user] of loadAliasFile(options.aliasFile)) {
      aliases.set(alias, user);
    }
  }

  const inline = options.aliases;
  const entries =
    inline instanceof Map ? [...inline.entries()] : Object.entries(inline ?? {});
  for (const [alias, user] of entries) {
    if (alias.trim() === '' || user.trim() === '') {
      throw new Error(`alias '${alias}' -> '${user}' has an empty side: give both names`);
    }
    aliases.set(alias.trim().toLowerCase(), user.trim());
  }

  // Aliases are looked up after folding, so an alias with a plus tag could never match.
  for (const alias of aliases.keys()) {
    if (foldPlusTag && removePlusTag(alias) !== alias) {
      throw new Error(
        `alias '${alias}' contains a plus tag, but plus tags are folded before the ` +
          `alias lookup, so it can never match: use '${removePlusTag(alias)}' instead`,
      );
    }
  }
  return aliases;
}
