import type { Writable } from 'node:stream';

/** Write errors that mean the reader went away, as with `xaps … | head -1`. */
const CLOSED_PIPE_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Drops output quietly once the reading end of the stream is closed, instead of
 * crashing with an unhandled 'error' event; other write errors still throw.
 */
export function ignoreClosedPipe(stream: Writable): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== undefined && CLOSED_PIPE_CODES.has(error.code)) {
      return;
    }
    throw error;
  });
}
