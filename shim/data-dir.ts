import { mkdirSync, statSync } from 'node:fs';
import { ConfigError } from '../shared/config/env.js';
import type { PushLogger } from '../shared/push/types.js';

/**
 * Creates the data directory readable by its owner only, because it contains full
 * device tokens, or checks an existing one. Throws ConfigError naming XAPS_DATA_DIR
 * when it is not a directory or cannot be created, and warns when others can open it.
 */
export function prepareDataDir(dir: string, logger: Pick<PushLogger, 'warn'>): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      throw new ConfigError(
        'XAPS_DATA_DIR',
        `XAPS_DATA_DIR='${dir}' could not be created (${code ?? String(error)}): ` +
          'create it, or point XAPS_DATA_DIR at a directory this user may write',
      );
    }
  }
  const stats = statSync(dir);
  if (!stats.isDirectory()) {
    throw new ConfigError(
      'XAPS_DATA_DIR',
      `XAPS_DATA_DIR='${dir}' is a file, not a directory: point XAPS_DATA_DIR at a ` +
        'directory, or move the file away',
    );
  }
  const others = stats.mode & 0o077;
  if (others !== 0) {
    logger.warn(
      `data directory '${dir}' is open to other users (mode ${(stats.mode & 0o777).toString(8)}): ` +
        `it holds full device tokens; run chmod 700 '${dir}'`,
    );
  }
}
