/** Outcome classes the guard counts; every final push outcome is one of them. */
export type GuardOutcome = 'delivered' | 'bad-device-token' | 'other';

export interface BadDeviceTokenGuardOptions {
  /** How far back outcomes count, in milliseconds; default 10 minutes. */
  windowMs?: number;
  /** Minimum time between two "deletion blocked" errors, in milliseconds; default 1 minute. */
  warnIntervalMs?: number;
  /** Outcomes kept at most, so a burst cannot grow memory without bound; default 10000. */
  maxEntries?: number;
}

interface Entry {
  at: number;
  outcome: GuardOutcome;
}

/**
 * Decides whether a BadDeviceToken response may delete a registration. A credential
 * aimed at the wrong APNs environment gets BadDeviceToken for every token, and
 * deleting on those responses would wipe every device. Deletion is allowed only while
 * at least one push was delivered in the window and BadDeviceToken responses are at
 * most half of the outcomes in it. One guard is shared by every push in a process.
 */
export class BadDeviceTokenGuard {
  private readonly windowMs: number;
  private readonly warnIntervalMs: number;
  private readonly maxEntries: number;
  private entries: Entry[] = [];
  private lastWarningAt: number | undefined;
  private blockedSinceWarning = 0;

  constructor(options: BadDeviceTokenGuardOptions = {}) {
    this.windowMs = options.windowMs ?? 10 * 60 * 1000;
    this.warnIntervalMs = options.warnIntervalMs ?? 60 * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** Counts one final push outcome. */
  record(outcome: GuardOutcome, now: number = Date.now()): void {
    this.entries.push({ at: now, outcome });
    if (this.entries.length > this.maxEntries) {
      this.entries = this.entries.slice(this.entries.length - this.maxEntries);
    }
  }

  /** Returns true when a BadDeviceToken response may delete its registration now. */
  allowsDeletion(now: number = Date.now()): boolean {
    this.prune(now);
    let delivered = 0;
    let badToken = 0;
    for (const entry of this.entries) {
      if (entry.outcome === 'delivered') {
        delivered += 1;
      } else if (entry.outcome === 'bad-device-token') {
        badToken += 1;
      }
    }
    return delivered > 0 && badToken * 2 <= this.entries.length;
  }

  /**
   * Counts one blocked deletion and returns how many were blocked since the last
   * warning when a warning is due, or undefined while warnings are rate-limited.
   */
  noteBlocked(now: number = Date.now()): number | undefined {
    this.blockedSinceWarning += 1;
    if (
      this.lastWarningAt !== undefined &&
      now - this.lastWarningAt < this.warnIntervalMs
    ) {
      return undefined;
    }
    const blocked = this.blockedSinceWarning;
    this.lastWarningAt = now;
    this.blockedSinceWarning = 0;
    return blocked;
  }

  private prune(now: number): void {
    const oldest = now - this.windowMs;
    const firstKept = this.entries.findIndex((entry) => entry.at > oldest);
    this.entries = firstKept < 0 ? [] : this.entries.slice(firstKept);
  }
}
