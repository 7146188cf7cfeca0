import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Creates the JSON-lines logger that every part of the project uses: the Lambda
 * functions and the shim write the same shape, so one query reads both.
 * The level comes from XAPS_LOG_LEVEL (DEBUG, INFO, WARN, ERROR), default INFO.
 */
export function createLogger(serviceName: string): Logger {
  const level = (process.env.XAPS_LOG_LEVEL ?? 'INFO').toUpperCase();
  return new Logger({
    serviceName,
    logLevel: isLogLevel(level) ? level : 'INFO',
  });
}

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

function isLogLevel(value: string): value is Level {
  return value === 'DEBUG' || value === 'INFO' || value === 'WARN' || value === 'ERROR';
}

/**
 * Shortens a device token to its first 8 hex characters for logs and CLI output:
 * enough to tell devices apart, too short to push to.
 */
export function tokenPrefix(deviceToken: string): string {
  return `${deviceToken.slice(0, 8)}…`;
}

export type { Logger };
