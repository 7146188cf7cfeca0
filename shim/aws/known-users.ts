import type { PushLogger } from '../../shared/push/types.js';
import type { AwsStatus } from './aws-status.js';
import { describeAwsError } from './deadline.js';

export interface KnownUsersOptions {
  /** Lists users with unexpired registrations (the store's listUsers). */
  list: () => Promise<string[]>;
  /** Users whose registrations wait in the spool, not yet in DynamoDB. */
  pendingUsers: () => string[];
  logger: PushLogger;
  status: AwsStatus;
  /** Time between two loads after a successful one, in ms. */
  refreshMs: number;
  /** Time before the next try after a failed load, in ms; default min(refreshMs, 5 s). */
  retryMs?: number;
}

/** User set facts for /health. */
export interface KnownUsersReport {
  count: number;
  loadedAt: string | null;
}

/**
 * The users that have registrations, so /notify responds 404 for everyone else
 * without an AWS call: Dovecot sends /notify for every delivered message of every
 * user. Loaded at start, reloaded every `refreshMs`, and extended at once by this
 * shim's own /register.
 */
export class KnownUsers {
  private users = new Set<string>();
  private addedDuringLoad: Set<string> | undefined;
  private loadedAt: number | undefined;
  private loading: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: KnownUsersOptions) {}

  has(user: string): boolean {
    return this.users.has(user);
  }

  /** Adds a user that just registered; a load running meanwhile keeps it. */
  add(user: string): void {
    this.users.add(user);
    this.addedDuringLoad?.add(user);
  }

  /** Loads the set once; concurrent callers share one load. Resolves false on failure. */
  load(): Promise<boolean> {
    this.loading ??= this.loadOnce().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Loads now and then on schedule until stop(). */
  start(): void {
    this.stopped = false;
    void this.loadAndSchedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  report(): KnownUsersReport {
    return {
      count: this.users.size,
      loadedAt:
        this.loadedAt === undefined ? null : new Date(this.loadedAt).toISOString(),
    };
  }

  private async loadAndSchedule(): Promise<void> {
    const loaded = await this.load();
    if (this.stopped) {
      return;
    }
    const { refreshMs } = this.options;
    const delay = loaded
      ? refreshMs
      : (this.options.retryMs ?? Math.min(refreshMs, 5000));
    this.timer = setTimeout(() => void this.loadAndSchedule(), delay);
    this.timer.unref();
  }

  private async loadOnce(): Promise<boolean> {
    const added = new Set<string>();
    this.addedDuringLoad = added;
    try {
      const listed = await this.options.list();
      this.options.status.succeeded();
      this.users = new Set([...listed, ...added, ...this.options.pendingUsers()]);
      this.loadedAt = Date.now();
      this.options.logger.debug('registered users loaded', { count: this.users.size });
      return true;
    } catch (error) {
      this.options.status.failed('list registered users', error);
      this.options.logger.warn(
        'loading the registered users failed; keeping the last set',
        {
          count: this.users.size,
          ...describeAwsError(error),
        },
      );
      return false;
    } finally {
      if (this.addedDuringLoad === added) {
        this.addedDuringLoad = undefined;
      }
    }
  }
}
