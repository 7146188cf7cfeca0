import { Worker } from 'node:worker_threads';
import type { ApnsStandinOptions } from '../../test/support/apns-standin.js';
import type { StandinRequest } from './standin-worker.js';

/** Time the worker may take to load tsx and start listening. */
const START_TIMEOUT_MS = 20_000;

/** The APNs stand-in running on a worker thread of this process, on 127.0.0.1. */
export class StandinThread {
  #nextId = 1;
  readonly #pending = new Map<
    number,
    { resolve: (value: number | undefined) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
  ) {
    worker.on('message', (message: { id: number; value: number | undefined }) => {
      this.#pending.get(message.id)?.resolve(message.value);
      this.#pending.delete(message.id);
    });
    worker.on('exit', (code) => {
      for (const call of this.#pending.values()) {
        call.reject(new Error(`the APNs stand-in worker exited with code ${code}`));
      }
      this.#pending.clear();
    });
  }

  /** Starts the worker and resolves once the stand-in listens. */
  static start(options: ApnsStandinOptions): Promise<StandinThread> {
    // Workers do not inherit `--import tsx`, so the worker registers tsx before loading.
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const script = JSON.stringify(new URL('./standin-worker.ts', import.meta.url).href);
    const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${script}); });`;
    const worker = new Worker(bootstrap, { eval: true, workerData: options });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(
          new Error(`the APNs stand-in did not start within ${START_TIMEOUT_MS} ms`),
        );
      }, START_TIMEOUT_MS);
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      worker.once('message', (message: { ready: string }) => {
        clearTimeout(timer);
        resolve(new StandinThread(worker, message.ready));
      });
    });
  }

  /** Delays every response, pending and later, until release(). */
  async hold(): Promise<void> {
    await this.#call('hold');
  }

  async release(): Promise<void> {
    await this.#call('release');
  }

  /** Counts the pushes that got a 200 response so far. */
  async delivered(): Promise<number> {
    return (await this.#call('delivered')) ?? 0;
  }

  /** Closes the stand-in and ends the worker. */
  async close(): Promise<void> {
    await this.#call('close');
    await this.worker.terminate();
  }

  #call(operation: StandinRequest['operation']): Promise<number | undefined> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, operation } satisfies StandinRequest);
    });
  }
}
