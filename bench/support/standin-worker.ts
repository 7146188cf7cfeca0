import { parentPort, workerData } from 'node:worker_threads';
import { ApnsStandin, type ApnsStandinOptions } from '../../test/support/apns-standin.js';

/**
 * Runs the APNs stand-in on a worker thread, so its TLS and HTTP/2 work runs outside
 * the event loop that times the shim's responses. Messages are StandinRequest objects.
 */

/** One request from the bench thread; every request gets { id, value } back. */
export interface StandinRequest {
  id: number;
  operation: 'hold' | 'release' | 'delivered' | 'close';
}

const port = parentPort;
if (port === null) {
  throw new Error(
    'standin-worker.ts runs only as a worker thread: start it through StandinThread',
  );
}

const standin = await ApnsStandin.start(workerData as ApnsStandinOptions);
port.on('message', async (request: StandinRequest) => {
  let value: number | undefined;
  switch (request.operation) {
    case 'hold':
      standin.hold();
      break;
    case 'release':
      standin.release();
      break;
    case 'delivered':
      value = standin.delivered.length;
      break;
    case 'close':
      await standin.close();
      break;
  }
  port.postMessage({ id: request.id, value });
  if (request.operation === 'close') {
    port.close();
  }
});
port.postMessage({ ready: standin.url });
