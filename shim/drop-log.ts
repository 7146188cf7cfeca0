import type { PushLogger } from '../shared/push/types.js';

/** Reason the queue rejected a push. */
export type QueueDropReason = 'queue-full' | 'shutting-down';

interface PendingDrops {
  dropped: number;
  /** The first user dropped since the last line. */
  user: string;
  users: Set<string>;
}

/** Distinct users counted per line at most, so a long burst cannot grow memory. */
const MAX_USERS_COUNTED = 10_000;

/**
 * Logs rejected pushes at most once per interval and reason, and never loses the
 * count: the first drop is logged at once, later ones are summed and logged by a
 * timer when the interval has passed.
 */
export class DropLog {
  private readonly pending = new Map<QueueDropReason, PendingDrops>();
  private readonly lastLineAt = new Map<QueueDropReason, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: PushLogger,
    private readonly options: { intervalMs: number; maxPending: number },
  ) {}

  /** Counts one rejected push, logging it now when no line went out within the interval. */
  note(user: string, reason: QueueDropReason): void {
    const drops = this.pending.get(reason) ?? { dropped: 0, user, users: new Set() };
    drops.dropped += 1;
    if (drops.users.size < MAX_USERS_COUNTED) {
      drops.users.add(user);
    }
    this.pending.set(reason, drops);

    const last = this.lastLineAt.get(reason);
    const now = Date.now();
    if (last === undefined || now - last >= this.options.intervalMs) {
      this.write(reason, now);
      return;
    }
    this.schedule(last + this.options.intervalMs - now);
  }

  /** Logs every count not yet logged and stops the timer. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    for (const reason of [...this.pending.keys()]) {
      this.write(reason, now);
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) {
      return;
    }
    this.timer = setTimeout(() => this.flush(), delayMs);
    this.timer.unref();
  }

  private write(reason: QueueDropReason, now: number): void {
    const drops = this.pending.get(reason);
    if (drops === undefined) {
      return;
    }
    this.pending.delete(reason);
    this.lastLineAt.set(reason, now);
    this.logger.error('push dropped', {
      user: drops.user,
      users: drops.users.size,
      reason,
      dropped: drops.dropped,
      maxPending: this.options.maxPending,
    });
  }
}
