/** The environment a configuration is read from: process.env, or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A missing or invalid setting, raised at start-up with the variable's name. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** Reads a setting with surrounding whitespace removed; unset or blank gives undefined. */
export function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads a whole number within [min, max], or the default when unset. */
export function readInteger(
  env: Env,
  name: string,
  bounds: { fallback: number; min: number; max: number },
): number {
  const raw = readString(env, name);
  if (raw === undefined) {
    return bounds.fallback;
  }

  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < bounds.min || value > bounds.max) {
    throw new ConfigError(
      name,
      `${name}='${raw}' is invalid: expected a whole number from ${bounds.min} ` +
        `to ${bounds.max} (default ${bounds.fallback})`,
    );
  }
  return value;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** Reads a switch: 1/true/yes/on or 0/false/no/off, case-insensitive. */
export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name);
  if (raw === undefined) {
    return fallback;
  }

  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) {
    return true;
  }
  if (FALSE_WORDS.has(word)) {
    return false;
  }
  throw new ConfigError(
    name,
    `${name}='${raw}' is invalid: expected true or false (also 1/0, yes/no, on/off)`,
  );
}

/** Reads a comma-separated list with blank items dropped, or the default when unset. */
export function readList(env: Env, name: string, fallback: readonly string[]): string[] {
  const raw = readString(env, name);
  if (raw === undefined) {
    return [...fallback];
  }

  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) {
    throw new ConfigError(
      name,
      `${name}='${raw}' is invalid: expected a comma-separated list`,
    );
  }
  return items;
}
