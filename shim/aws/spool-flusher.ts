import { tokenPrefix } from '../../shared/log/logger.js';
import type { PushLogger } from '../../shared/push/types.js';
import {
  REGISTRATION_TTL_MS,
  type RegistrationStore,
} from '../../shared/registrations/types.js';
import type { AwsStatus } from './aws-status.js';
import { describeAwsError, withinDeadline } from './deadline.js';
import type { RegistrationSpool, SpooledRegistration } from './registration-spool.js';
import type { WriteTracker } from './write-tracker.js';

export interface SpoolFlusherOptions {
  spool: RegistrationSpool;
  store: Pick<RegistrationStore, 'upsert'>;
  tracker: WriteTracker;
  logger: PushLogger;
  status: AwsStatus;
  timeoutMs: number;
  /** First delay after a failed write, in ms, doubled per failure; default 500. */
  minBackoffMs?: number;
  /** Maximum delay between two tries, in ms; default 30 s. */
  maxBackoffMs?: number;
}

/**
 * Returns true for a DynamoDB error that a retry cannot fix: the request itself is
 * invalid. Everything else (timeouts, throttling, 5xx, access denied while a policy
 * is being fixed) is retried.
 */
export function isPermanentWriteError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

/**
 * Writes spooled registrations to DynamoDB one at a time, oldest first, with the
 * time each was registered, so a later write of a device is never overtaken by an
 * earlier one. Retries the oldest with exponential backoff while DynamoDB fails.
 */
export class SpoolFlusher {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeSleep: (() => void) | undefined;
  private retryRequested = false;

  constructor(private readonly options: SpoolFlusherOptions) {}

  /** Starts draining unless a drain is already running. */
  start(): void {
    if (this.stopped || this.running !== undefined || this.options.spool.size === 0) {
      return;
    }
    this.running = this.drain().then(
      () => {
        this.running = undefined;
        // An append that raced the end of the drain still gets flushed.
        this.start();
      },
      (error: unknown) => {
        // A spool file error would fail again at once, so the next append restarts.
        this.running = undefined;
        this.options.logger.error('reading the registration spool failed', { error });
      },
    );
  }

  /**
   * Ends a backoff wait early, e.g. when another AWS call just succeeded; called
   * during a try, it skips the wait that a failure of that try would start.
   */
  retryNow(): void {
    this.retryRequested = this.running !== undefined;
    this.wakeSleep?.();
  }

  /** Stops after the write in progress (if any) and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleep?.();
    await this.running;
  }

  private async drain(): Promise<void> {
    const { spool, maxBackoffMs = 30_000, minBackoffMs = 500 } = this.options;
    let backoffMs = minBackoffMs;
    for (let entry = spool.oldest(); entry !== undefined && !this.stopped; ) {
      const outcome = await this.flushOne(entry);
      if (outcome === 'retry') {
        if (this.stopped) {
          return;
        }
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      } else {
        spool.remove(entry.seq);
        backoffMs = minBackoffMs;
      }
      entry = spool.oldest();
    }
  }

  private async flushOne(entry: SpooledRegistration): Promise<'done' | 'retry'> {
    const { logger, status, tracker } = this.options;
    const input = entry.input;
    if (input === undefined) {
      logger.error('spooled registration is unreadable; dropping it', { seq: entry.seq });
      return 'done';
    }
    const ids = {
      seq: entry.seq,
      user: input.user,
      tokenPrefix: tokenPrefix(input.deviceToken),
    };
    if (entry.registeredAt + REGISTRATION_TTL_MS <= Date.now()) {
      logger.warn('spooled registration expired before DynamoDB was reachable', ids);
      return 'done';
    }

    await tracker.idle();
    try {
      // The store keeps a live row whose updatedAt is later than registeredAt, so
      // a replay never overwrites what another shim or the CLI wrote since.
      const work = tracker.track(this.options.store.upsert(input, entry.registeredAt));
      const result = await withinDeadline(
        work,
        this.options.timeoutMs,
        'a spooled write',
      );
      status.succeeded();
      logger.info('spooled registration stored', {
        ...ids,
        waitedMs: Date.now() - entry.registeredAt,
        evicted: result.evicted.length,
        pending: this.options.spool.size - 1,
      });
      return 'done';
    } catch (error) {
      if (isPermanentWriteError(error)) {
        logger.error('DynamoDB rejected a spooled registration; dropping it', {
          ...ids,
          ...describeAwsError(error),
        });
        return 'done';
      }
      status.failed('flush spooled registration', error);
      logger.warn('flushing the registration spool failed; retrying later', {
        ...ids,
        pending: this.options.spool.size,
        ...describeAwsError(error),
      });
      return 'retry';
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.retryRequested) {
      this.retryRequested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeSleep = undefined;
        this.retryRequested = false;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      timer.unref();
      this.wakeSleep = finish;
    });
  }
}
