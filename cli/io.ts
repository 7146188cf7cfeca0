import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../shared/config/env.js';
import { createLogger, type Logger } from '../shared/log/logger.js';
import {
  REGISTRATIONS_FILE_NAME,
  SqliteRegistrationStore,
} from '../shared/registrations/sqlite-store.js';
import type { ShimConfig } from '../shim/config.js';

/** Settings source and output streams of one CLI run; tests pass their own. */
export interface CliIo {
  env: Env;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** An error the CLI reports as `xaps: <message>` with exit status 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/**
 * Opens the registrations database of the data directory without the serve lock,
 * so the CLI works beside a running `xaps serve`.
 */
export function openStore(config: ShimConfig): SqliteRegistrationStore {
  const path = join(config.dataDir, REGISTRATIONS_FILE_NAME);
  if (!existsSync(path)) {
    throw new CliError(
      `no registrations database at '${path}': check XAPS_DATA_DIR, or run xaps serve first`,
    );
  }
  return new SqliteRegistrationStore(path, {
    maxDevicesPerUser: config.core.maxDevicesPerUser,
  });
}

/** Creates a logger for one-shot commands: warnings and errors only, which go to stderr. */
export function createCliLogger(): Logger {
  const logger = createLogger('xaps-cli');
  if (logger.getLevelName() === 'DEBUG' || logger.getLevelName() === 'INFO') {
    logger.setLogLevel('WARN');
  }
  return logger;
}

/** Formats epoch milliseconds as an ISO 8601 UTC time without milliseconds. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Returns the first 8 hex characters of a device token: enough to pick one device. */
export function shortToken(deviceToken: string): string {
  return deviceToken.slice(0, 8);
}
