import { tokenPrefix } from '../../shared/log/logger.js';
import type { PushLogger } from '../../shared/push/types.js';
import type {
  RegistrationInput,
  RegistrationStore,
} from '../../shared/registrations/types.js';
import type { AwsStatus } from './aws-status.js';
import { describeAwsError, withinDeadline } from './deadline.js';
import type { RegistrationSpool } from './registration-spool.js';
import { isPermanentWriteError, type SpoolFlusher } from './spool-flusher.js';
import type { WriteTracker } from './write-tracker.js';

export interface RegistrationWriterOptions {
  store: Pick<RegistrationStore, 'upsert'>;
  spool: RegistrationSpool;
  flusher: SpoolFlusher;
  tracker: WriteTracker;
  logger: PushLogger;
  status: AwsStatus;
  timeoutMs: number;
}

/**
 * Result of one write. `stored`: DynamoDB has it. `spooled`: DynamoDB failed or was
 * too slow, and the spool contains it. `dropped`: neither, logged as an error, and the
 * device registers again at its next registration window, about a day later.
 */
export type WriteOutcome = 'stored' | 'spooled' | 'dropped';

/**
 * Writes a registration to DynamoDB within the deadline, or durably into the spool.
 * While the spool contains anything, new writes join its end, so DynamoDB receives
 * writes in spool order and no write overtakes an earlier one of the same device.
 */
export class RegistrationWriter {
  constructor(private readonly options: RegistrationWriterOptions) {}

  /** Writes the registration; never throws. */
  async write(input: RegistrationInput): Promise<WriteOutcome> {
    const now = Date.now();
    if (this.options.spool.size > 0) {
      return this.spool(input, now, 'earlier registrations are still spooled');
    }

    const { logger, status, tracker } = this.options;
    const ids = { user: input.user, tokenPrefix: tokenPrefix(input.deviceToken) };
    try {
      const work = tracker.track(this.options.store.upsert(input, now));
      const result = await withinDeadline(
        work,
        this.options.timeoutMs,
        'storing the registration',
      );
      status.succeeded();
      logger.info('device registered', {
        ...ids,
        mailboxes: input.mailboxes.length,
        evicted: result.evicted.length,
      });
      return 'stored';
    } catch (error) {
      if (isPermanentWriteError(error)) {
        logger.error('DynamoDB rejected the registration', {
          ...ids,
          ...describeAwsError(error),
        });
        return 'dropped';
      }
      status.failed('store registration', error);
      return this.spool(input, now, describeAwsError(error).reason);
    }
  }

  private spool(input: RegistrationInput, now: number, reason: string): WriteOutcome {
    const { logger, spool } = this.options;
    const ids = { user: input.user, tokenPrefix: tokenPrefix(input.deviceToken) };
    let seq: number | undefined;
    try {
      seq = spool.append(input, now);
    } catch (error) {
      logger.error('spooling the registration failed; it is lost', { ...ids, error });
      return 'dropped';
    }
    if (seq === undefined) {
      logger.error('registration spool is full; the registration is lost', {
        ...ids,
        pending: spool.size,
      });
      return 'dropped';
    }

    logger.warn('registration spooled until DynamoDB is reachable', {
      ...ids,
      seq,
      pending: spool.size,
      reason,
    });
    this.options.flusher.start();
    return 'spooled';
  }
}
