import type { ApnsClient } from '../shared/apns/client.js';
import type { PushOutcome, PushRequest, PushSender } from '../shared/apns/types.js';

/** APNs facts reported by /health. */
export interface ApnsStatus {
  [key: string]: unknown;
  /** False after APNs rejected the credential, until a later push is delivered. */
  healthy: boolean;
  connected: boolean;
  sessionsOpened: number;
  lastOutcome: PushOutcome['kind'] | undefined;
  lastOutcomeAt: string | undefined;
}

/** Wraps the APNs client and remembers the last outcome, for /health. */
export class MonitoredSender implements PushSender {
  private lastOutcome: PushOutcome | undefined;
  private lastOutcomeAt: Date | undefined;

  constructor(private readonly client: ApnsClient) {}

  async push(request: PushRequest): Promise<PushOutcome> {
    const outcome = await this.client.push(request);
    this.lastOutcome = outcome;
    this.lastOutcomeAt = new Date();
    return outcome;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  status(): ApnsStatus {
    return {
      healthy: this.lastOutcome?.kind !== 'credential-rejected',
      connected: this.client.connected,
      sessionsOpened: this.client.sessionsOpened,
      lastOutcome: this.lastOutcome?.kind,
      lastOutcomeAt: this.lastOutcomeAt?.toISOString(),
    };
  }
}
