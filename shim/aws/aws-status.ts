import { describeAwsError } from './deadline.js';

/** Outcome of the shim's recent AWS calls, for /health. Times are ISO 8601. */
export interface AwsStatusReport {
  state: 'unknown' | 'ok' | 'failing';
  lastSuccessAt?: string;
  lastFailure?: { at: string; operation: string; errorName: string; reason: string };
}

/**
 * Tracks whether the last AWS call succeeded, across every part of the AWS mode, and
 * notifies listeners when a call succeeds after a failure. The spool flusher then
 * retries at once instead of waiting out its backoff.
 */
export class AwsStatus {
  private state: AwsStatusReport['state'] = 'unknown';
  private lastSuccessAt: number | undefined;
  private lastFailure: AwsStatusReport['lastFailure'];
  private readonly recoveryListeners: (() => void)[] = [];

  /** Records a call that succeeded. */
  succeeded(): void {
    const recovered = this.state === 'failing';
    this.state = 'ok';
    this.lastSuccessAt = Date.now();
    if (recovered) {
      for (const listener of this.recoveryListeners) {
        listener();
      }
    }
  }

  /** Records a call that failed or passed its deadline. */
  failed(operation: string, error: unknown): void {
    this.state = 'failing';
    this.lastFailure = {
      at: new Date().toISOString(),
      operation,
      ...describeAwsError(error),
    };
  }

  /** Calls `listener` each time a call succeeds after a failure. */
  onRecovery(listener: () => void): void {
    this.recoveryListeners.push(listener);
  }

  report(): AwsStatusReport {
    const report: AwsStatusReport = { state: this.state };
    if (this.lastSuccessAt !== undefined) {
      report.lastSuccessAt = new Date(this.lastSuccessAt).toISOString();
    }
    if (this.lastFailure !== undefined) {
      report.lastFailure = this.lastFailure;
    }
    return report;
  }
}
