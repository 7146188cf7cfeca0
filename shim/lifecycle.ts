import type { Server } from 'node:http';
import { ConfigError } from '../shared/config/env.js';
import type { PushLogger } from '../shared/push/types.js';
import { formatListenAddress, type ListenAddress } from './listen-address.js';

/* Start and stop steps that the local mode and the AWS mode of `xaps serve` share. */

/** One step of a stop, run in reverse order of start. */
export type Cleanup = () => Promise<void> | void;

/** Listens on the configured address and resolves with the address actually bound. */
export function listenOn(server: Server, listen: ListenAddress): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      const address = formatListenAddress(listen);
      reject(
        new ConfigError(
          'XAPS_LISTEN',
          `could not listen on ${address} (${error.message}): stop the process using it, ` +
            'or set XAPS_LISTEN to a free address',
        ),
      );
    };
    server.once('error', onError);
    server.listen(listen.port, listen.host, () => {
      server.off('error', onError);
      const bound = server.address();
      resolve(
        typeof bound === 'object' && bound !== null
          ? formatListenAddress({ host: bound.address, port: bound.port })
          : formatListenAddress(listen),
      );
    });
  });
}

/** Stops accepting connections and resolves once open requests have finished. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Kept-alive plugin connections would otherwise hold close() open.
    server.closeIdleConnections();
  });
}

/** Runs every cleanup in order, logging (not throwing) the ones that fail. */
export async function runCleanups(
  cleanups: Cleanup[],
  logger: PushLogger,
): Promise<void> {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      logger.error('cleanup during stop failed', { error });
    }
  }
}

/** Wraps an action so that every call after the first returns the first call's promise. */
export function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= action();
    return running;
  };
}
