import { tokenPrefix } from '../shared/log/logger.js';
import type { PushLogger } from '../shared/push/types.js';
import { StoreBusyError } from '../shared/registrations/sqlite-store.js';
import type {
  RegistrationInput,
  RegistrationStore,
} from '../shared/registrations/types.js';

export interface RegistrationRetryOptions {
  store: RegistrationStore;
  logger: PushLogger;
  /** Delays between retry rounds while the lock stays held, in ms; the last repeats. */
  delaysMs?: readonly number[];
  /** A write waiting longer than this is given up and logged, in ms; default 5 minutes. */
  giveUpAfterMs?: number;
  /** Writes kept at most; beyond it the oldest is given up. Default 10,000. */
  maxPending?: number;
}

interface PendingWrite {
  input: RegistrationInput;
  /** When the device registered, in epoch ms: the stored registration time. */
  registeredAt: number;
}

const DEFAULT_DELAYS_MS = [200, 500, 1000, 2000, 5000, 10_000];

/**
 * Keeps registrations that could not be written because another process held the
 * database's write lock, and writes them later off the request path. Holds only the
 * newest write per (user, device token), in memory: a stop or crash loses them, and
 * the device registers again within a day.
 */
export class RegistrationRetry {
  private readonly pending = new Map<string, PendingWrite>();
  private readonly delaysMs: readonly number[];
  private failedRounds = 0;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RegistrationRetryOptions) {
    this.delaysMs = options.delaysMs ?? DEFAULT_DELAYS_MS;
  }

  /** Writes waiting for a retry. */
  get size(): number {
    return this.pending.size;
  }

  /** Queues a write, replacing an older one for the same device, and schedules a round. */
  add(input: RegistrationInput, registeredAt: number): void {
    if (this.closed) {
      this.giveUp({ input, registeredAt }, 'the server stopped');
      return;
    }
    const key = `${input.user}\u0000${input.deviceToken}`;
    this.pending.delete(key);
    this.pending.set(key, { input, registeredAt });
    const max = this.options.maxPending ?? 10_000;
    for (const [oldKey, oldest] of this.pending) {
      if (this.pending.size <= max) break;
      this.pending.delete(oldKey);
      this.giveUp(oldest, 'too many registrations waiting');
    }
    this.schedule();
  }

  /** Tries the waiting writes once more, then gives up the rest; for a stop. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.round();
    for (const write of this.pending.values()) {
      this.giveUp(write, 'the server stopped');
    }
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.pending.size === 0) {
      return;
    }
    const index = Math.min(this.failedRounds, this.delaysMs.length - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.round().then(() => this.schedule());
    }, this.delaysMs[index] ?? 1000);
    this.timer.unref();
  }

  /** Writes pending registrations oldest first; stops at the first lock wait that fails. */
  private async round(): Promise<void> {
    const giveUpAfter = this.options.giveUpAfterMs ?? 5 * 60_000;
    for (const [key, write] of [...this.pending]) {
      if (Date.now() - write.registeredAt > giveUpAfter) {
        this.pending.delete(key);
        this.giveUp(write, `the write lock stayed held for over ${giveUpAfter} ms`);
        continue;
      }
      try {
        await this.options.store.upsert(write.input, write.registeredAt);
      } catch (error) {
        if (error instanceof StoreBusyError) {
          this.failedRounds += 1;
          return;
        }
        this.pending.delete(key);
        this.options.logger.error('storing registration failed', {
          ...ids(write),
          error,
        });
        continue;
      }
      // A newer write for the same device may have arrived during the await.
      if (this.pending.get(key) === write) this.pending.delete(key);
      this.options.logger.info('device registered after retry', ids(write));
    }
    this.failedRounds = 0;
  }

  private giveUp(write: PendingWrite, reason: string): void {
    this.options.logger.error('registration not stored', {
      ...ids(write),
      reason: `${reason}: the device registers again within a day`,
    });
  }
}

function ids(write: PendingWrite) {
  return { user: write.input.user, tokenPrefix: tokenPrefix(write.input.deviceToken) };
}
