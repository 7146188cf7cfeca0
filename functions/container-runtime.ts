import type { Logger } from '../shared/log/logger.js';

/** A function's runtime, created on the first invocation and kept for the container's life. */
export interface ContainerSlot<T> {
  /** Returns the runtime, created on the first call. A create that throws caches nothing. */
  get(logger: Logger): T;
  /** Drops the runtime, then closes it, for tests and shutdown. */
  close(): void | Promise<void>;
}

/**
 * Holds the runtime that `create` builds, so SDK clients and settings outlive one
 * invocation. A configuration error thrown by `create` leaves the slot empty and the
 * next invocation tries again.
 */
export function containerSlot<T extends { close(): void | Promise<void> }>(
  create: (logger: Logger) => T,
): ContainerSlot<T> {
  let runtime: T | undefined;
  return {
    get(logger) {
      runtime ??= create(logger);
      return runtime;
    },
    close() {
      const current = runtime;
      runtime = undefined;
      return current?.close();
    },
  };
}
