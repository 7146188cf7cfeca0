import type { PushOutcome, PushRequest, PushSender } from '../shared/apns/types.js';

/** The APNs client facts the monitor reads besides push and close. */
export interface SessionSender extends PushSender {
  readonly connected: boolean;
  readonly sessionsOpened: number;
}

/** APNs facts reported by /health. */
export interface ApnsStatus {
  [key: string]: unknown;
  /**
   * False after APNs rejected the credential, or while the last attempts all got no
   * response (connection refused, TLS failure, timeout); true again after a response.
   */
  healthy: boolean;
  connected: boolean;
  sessionsOpened: number;
  lastOutcome: PushOutcome['kind'] | undefined;
  lastOutcomeAt: string | undefined;
  /** Attempts in a row that got no response from APNs. */
  failuresInARow: number;
  /** The last failure: no response, or the credential rejected. */
  lastError: { reason: string; at: string } | undefined;
}

/** Attempts in a row without a response after which APNs counts as unreachable. */
export const UNREACHABLE_AFTER_FAILURES = 3;

/** Wraps the APNs client and remembers recent outcomes, for /health. */
export class MonitoredSender implements PushSender {
  private lastOutcome: PushOutcome | undefined;
  private lastOutcomeAt: Date | undefined;
  private failuresInARow = 0;
  private lastError: { reason: string; at: Date } | undefined;

  constructor(private readonly client: SessionSender) {}

  async push(request: PushRequest): Promise<PushOutcome> {
    const outcome = await this.client.push(request);
    const now = new Date();
    this.lastOutcome = outcome;
    this.lastOutcomeAt = now;
    // The client reports a timeout or a lost connection as retryable without a status.
    const noResponse = outcome.kind === 'retryable' && outcome.status === undefined;
    this.failuresInARow = noResponse ? this.failuresInARow + 1 : 0;
    if (noResponse || outcome.kind === 'credential-rejected') {
      this.lastError = { reason: outcome.reason, at: now };
    }
    return outcome;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  status(): ApnsStatus {
    const unreachable = this.failuresInARow >= UNREACHABLE_AFTER_FAILURES;
    return {
      healthy: this.lastOutcome?.kind !== 'credential-rejected' && !unreachable,
      connected: this.client.connected,
      sessionsOpened: this.client.sessionsOpened,
      lastOutcome: this.lastOutcome?.kind,
      lastOutcomeAt: this.lastOutcomeAt?.toISOString(),
      failuresInARow: this.failuresInARow,
      lastError:
        this.lastError === undefined
          ? undefined
          : { reason: this.lastError.reason, at: this.lastError.at.toISOString() },
    };
  }
}
