import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigError, type Env } from '../config/env.js';

/** Log levels XAPS_LOG_LEVEL accepts, in any letter case. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Reads XAPS_LOG_LEVEL (DEBUG, INFO, WARN, ERROR in any case; default INFO).
 * Throws ConfigError on any other value, for commands that check it at start-up.
 */
export function readLogLevel(env: Env = process.env): LogLevel {
  const raw = env.XAPS_LOG_LEVEL?.trim() ?? '';
  if (raw === '') {
    return 'INFO';
  }
  const level = raw.toUpperCase();
  if (!isLogLevel(level)) {
    throw new ConfigError(
      'XAPS_LOG_LEVEL',
      `XAPS_LOG_LEVEL='${raw}' is invalid: expected ${LOG_LEVELS.join(', ')} ` +
        '(default INFO)',
    );
  }
  return level;
}

// One warning per process is enough: several loggers read the same variable.
let invalidLevelWarned = false;

/**
 * Creates the JSON-lines logger that every part of the project uses: the Lambda
 * functions and the shim write the same shape, so one query reads both.
 * The level comes from XAPS_LOG_LEVEL. An invalid value logs one warning and falls
 * back to INFO rather than failing: a Lambda function creates its logger before it
 * can report anything. The `xaps` command rejects the value at start-up instead.
 */

export function createLogger(serviceName: string): Logger {
  let level: LogLevel = 'INFO';
  let problem: string | undefined;
  try {
    level = readLogLevel();
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  const logger = new Logger({ serviceName, logLevel: level });
  if (problem !== undefined && !invalidLevelWarned) {
    invalidLevelWarned = true;
    logger.warn(`${problem}; logging at INFO`);
  }
  return logger;
}

function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * Shortens a device token to its first 8 hex characters for logs and CLI output:
 * enough to tell devices apart, too short to push to.
 */
export function tokenPrefix(deviceToken: string): string {
  return `${deviceToken.slice(0, 8)}…`;
}

export type { Logger };
