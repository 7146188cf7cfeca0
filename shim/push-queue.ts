import type { PushLogger } from '../shared/push/types.js';
import { DropLog } from './drop-log.js';

/** One queued push; `user` is only for log lines. */
export interface PushJob {
  user: string;
  run: () => Promise<unknown>;
}

export interface PushQueueOptions {
  logger: PushLogger;
  /** Jobs waiting or running at most; more are dropped and logged. */
  maxPending: number;
  /** Jobs running at once; each pushes to all of one user's devices. */
  concurrency?: number;
  /** Minimum time between two "push dropped" lines, in ms; default 10 s. */
  dropLogIntervalMs?: number;
}

/**
 * A bounded in-process queue for pushes, so /notify responds as soon as a push is
 * queued while Dovecot's mail delivery waits for that response.
 */
export class PushQueue {
  private readonly waiting: PushJob[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly drops: DropLog;
  private running = 0;
  private closed = false;
  /** Set once close() gave up: the store and sender may be closed, so nothing starts. */
  private abandoned = false;

  constructor(private readonly options: PushQueueOptions) {
    this.drops = new DropLog(options.logger, {
      intervalMs: options.dropLogIntervalMs ?? 10_000,
      maxPending: options.maxPending,
    });
  }

  /** Jobs waiting or running. */
  get size(): number {
    return this.waiting.length + this.running;
  }

  /** Queues a job; returns false (and logs, rate-limited) when the queue is full or closed. */
  enqueue(job: PushJob): boolean {
    if (this.closed || this.size >= this.options.maxPending) {
      this.drops.note(job.user, this.closed ? 'shutting-down' : 'queue-full');
      return false;
    }
    this.waiting.push(job);
    this.startNext();
    return true;
  }

  /**
   * Stops accepting jobs and waits until queued ones finish or the timeout passes.
   * On timeout, waiting jobs are discarded and running ones are left to fail quietly,
   * since the caller closes the store and sender next. Returns the number of jobs
   * unfinished (discarded plus still running; 0 when all finished).
   */
  async close(timeoutMs: number): Promise<number> {
    this.closed = true;
    if (this.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    const unfinished = this.size;
    if (unfinished > 0) {
      this.abandoned = true;
      this.waiting.length = 0;
    }
    this.drops.flush();
    return unfinished;
  }

  private startNext(): void {
    const limit = this.options.concurrency ?? 16;
    while (this.running < limit && !this.abandoned) {
      const job = this.waiting.shift();
      if (job === undefined) {
        break;
      }
      this.running += 1;
      void this.run(job);
    }
  }

  private async run(job: PushJob): Promise<void> {
    try {
      await job.run();
    } catch (error) {
      // After close() gave up, failures come from the closed store or sender and
      // are already counted in the caller's stop line.
      const log = this.abandoned ? this.options.logger.debug : this.options.logger.error;
      log.call(this.options.logger, 'push failed', { user: job.user, error });
    } finally {
      this.running -= 1;
      this.startNext();
      if (this.size === 0) {
        for (const resolve of this.idleWaiters.splice(0)) {
          resolve();
        }
      }
    }
  }
}
