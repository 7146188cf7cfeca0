import { DEFAULT_MAX_DEVICES_PER_USER } from '../registrations/types.js';
import { parseAliasFile } from '../users/alias-file.js';
import { createUserMapping } from '../users/user-mapping.js';
import { type ApnsSettings, readApnsSettings } from './apns-settings.js';
import { ConfigError, type Env, readBoolean, readInteger, readString } from './env.js';

/** Switches of the mapping from IMAP usernames and recipient addresses to stored usernames. */
export interface UserMappingSettings {
  lowercase: boolean;
  foldPlusTag: boolean;
  aliasFile?: string;
  /** Aliases given inline, for a Lambda function that ships no alias file. */
  aliases?: Map<string, string>;
}

/** Settings every deployment shares: the shim, the local mode and the Lambda functions. */
export interface CoreConfig {
  apns: ApnsSettings;
  users: UserMappingSettings;
  /** Devices kept per user; the least recently registered go first. */
  maxDevicesPerUser: number;
}

/**
 * Reads the shared settings once at start-up. Throws ConfigError naming the
 * variable and the expected value when one is invalid.
 */
export function loadCoreConfig(env: Env = process.env): CoreConfig {
  return {
    apns: readApnsSettings(env),
    users: readUserMappingSettings(env),
    maxDevicesPerUser: readInteger(env, 'XAPS_MAX_DEVICES_PER_USER', {
      fallback: DEFAULT_MAX_DEVICES_PER_USER,
      min: 1,
      max: 1000,
    }),
  };
}

function readUserMappingSettings(env: Env): UserMappingSettings {
  const settings: UserMappingSettings = {
    lowercase: readBoolean(env, 'XAPS_USER_LOWERCASE', true),
    foldPlusTag: readBoolean(env, 'XAPS_USER_FOLD_PLUS_TAG', true),
  };
  const aliasFile = readString(env, 'XAPS_USER_ALIAS_FILE');
  const inlineAliases = readString(env, 'XAPS_USER_ALIASES');
  if (aliasFile !== undefined && inlineAliases !== undefined) {
    throw new ConfigError(
      'XAPS_USER_ALIASES',
      'XAPS_USER_ALIASES and XAPS_USER_ALIAS_FILE are both set: set only one of them',
    );
  }
  if (aliasFile !== undefined) {
    settings.aliasFile = aliasFile;
    checkAliases(settings, 'XAPS_USER_ALIAS_FILE');
  }
  if (inlineAliases !== undefined) {
    settings.aliases = readInlineAliases(inlineAliases);
    checkAliases(settings, 'XAPS_USER_ALIASES');
  }
  return settings;
}

/** Parses XAPS_USER_ALIASES: `alias: username` pairs separated by `;` or new lines. */
function readInlineAliases(value: string): Map<string, string> {
  try {
    return parseAliasFile(value.replace(/;/g, '\n'), 'XAPS_USER_ALIASES');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      'XAPS_USER_ALIASES',
      `${reason} (write 'alias: username' pairs separated by ';')`,
    );
  }
}

/**
 * Reads the alias file at start-up, so an unreadable or invalid file stops the
 * command before anything else happens, with a message naming the variable.
 */
function checkAliases(settings: UserMappingSettings, variable: string): void {
  try {
    createUserMapping(settings);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      variable,
      `${variable}: ${reason} (fix the aliases, or unset ${variable})`,
    );
  }
}
