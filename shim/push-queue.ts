import type { PushLogger } from '../shared/push/types.js';

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
  /** Minimum time between two "queue full" errors, in ms; default 10 s. */
  dropLogIntervalMs?: number;
}

/**
 * A bounded in-process queue for pushes, so /notify responds as soon as a push is
 * queued while Dovecot's mail delivery waits for that response.
 */
export class PushQueue {
  private readonly waiting: PushJob[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private running = 0;
  private closed = false;
  private droppedSinceLog = 0;
  private lastDropLogAt: number | undefined;

  constructor(private readonly options: PushQueueOptions) {}

  /** Jobs waiting or running. */
  get size(): number {
    return this.waiting.length + this.running;
  }

  /** Queues a job; returns false (and logs, rate-limited) when the queue is full or closed. */
  enqueue(job: PushJob): boolean {
    if (this.closed || this.size >= this.options.maxPending) {
      this.noteDrop(job);
      return false;
    }
    this.waiting.push(job);
    this.startNext();
    return true;
  }

  /**
   * Stops accepting jobs and waits until queued ones finish or the timeout passes.
   * Returns the number of jobs still unfinished (0 when all finished).
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
    return this.size;
  }

  private startNext(): void {
    const limit = this.options.concurrency ?? 16;
    while (this.running < limit) {
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
      this.options.logger.error('push failed', { user: job.user, error });
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

  private noteDrop(job: PushJob): void {
    this.droppedSinceLog += 1;
    const now = Date.now();
    const interval = this.options.dropLogIntervalMs ?? 10_000;
    if (this.lastDropLogAt !== undefined && now - this.lastDropLogAt < interval) {
      return;
    }
    this.options.logger.error('push dropped', {
      user: job.user,
      reason: this.closed ? 'shutting-down' : 'queue-full',
      dropped: this.droppedSinceLog,
      maxPending: this.options.maxPending,
    });
    this.lastDropLogAt = now;
    this.droppedSinceLog = 0;
  }
}
