import type { PushSender } from '../apns/types.js';
import type { Logger } from '../log/logger.js';
import type { RegistrationStore } from '../registrations/types.js';
import type { BadDeviceTokenGuard } from './bad-token-guard.js';
import type { PushClaims } from './claims.js';

/** One new message: the canonical username and the mailbox name in UTF-8. */
export interface NewMail {
  user: string;
  mailbox: string;
  /** Id that is the same on every delivery of the event; with `claims`, pushes it once per device. */
  eventId?: string;
}

/** The logging methods the push path uses; a Powertools Logger fits. */
export type PushLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** Dependencies of pushNewMail; the guard is shared by every call in a process. */
export interface PushDeps {
  store: RegistrationStore;
  sender: PushSender;
  /** The apns-topic of the credential in use now. */
  currentTopic: string;
  logger: PushLogger;
  guard: BadDeviceTokenGuard;
  /** Delays before each retry of a retryable APNs response, in ms; default 250 and 1000. */
  retryDelaysMs?: readonly number[];
  /** Clock in epoch milliseconds; default Date.now. */
  now?: () => number;
  /** De-duplication of redelivered events; without it every call pushes. */
  claims?: PushClaims;
}

/** Reason a device got no push for a message. */
export type DropReason =
  | 'no-devices'
  | 'mailbox-not-registered'
  | 'topic-changed'
  | 'token-dead'
  | 'bad-device-token-kept'
  | 'topic-mismatch'
  | 'credential-rejected'
  | 'retries-exhausted'
  | 'rejected';

/** Result of one pushNewMail call. */
export interface PushSummary {
  /** Pushes APNs accepted. */
  sent: number;
  /** Devices that got no push, by reason (no-devices counts the message once). */
  dropped: { reason: DropReason; count: number }[];
  /** Registrations deleted because APNs reported their token dead. */
  removed: number;
  /** Devices skipped because an earlier delivery of the event claimed them; with claims only. */
  deduplicated?: number;
}

/** Counts drops by reason in the order they first occur. */
export class DropTally {
  private readonly counts = new Map<DropReason, number>();

  add(reason: DropReason, count = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
  }

  toList(): { reason: DropReason; count: number }[] {
    return [...this.counts].map(([reason, count]) => ({ reason, count }));
  }
}
