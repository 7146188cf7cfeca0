import type { NewMailEvent } from '../mail-events/types.js';
import { pushNewMail } from './push-new-mail.js';
import { type DropReason, DropTally, type PushDeps } from './types.js';

/** Totals of pushing one batch of new-mail events. */
export interface PushBatchSummary {
  events: number;
  /** Pushes APNs accepted. */
  sent: number;
  /** Devices that got no push, by reason. */
  dropped: { reason: DropReason; count: number }[];
  /** Registrations deleted because APNs reported their token dead. */
  removed: number;
  /** Devices skipped because an earlier delivery of the same event pushed to them. */
  deduplicated: number;
  /** Devices whose push still failed with a retryable outcome after the in-process retries. */
  retryable: number;
  /** Events that failed before any push outcome, e.g. because the store was unreachable. */
  failedEvents: number;
}

/** Returns the summary of a batch of `events` events of which none pushed anything yet. */
export function emptyBatchSummary(events: number): PushBatchSummary {
  return {
    events,
    sent: 0,
    dropped: [],
    removed: 0,
    deduplicated: 0,
    retryable: 0,
    failedEvents: 0,
  };
}

/**
 * Pushes every event of a batch, all at once, and sums the results. An event whose
 * push throws is logged and counted in failedEvents, and the others still go out. A
 * caller that retries the batch relies on claims to skip the devices already pushed.
 */
export async function pushMailEvents(
  events: readonly NewMailEvent[],
  deps: PushDeps,
): Promise<PushBatchSummary> {
  const settled = await Promise.allSettled(
    events.map((event) =>
      pushNewMail(
        { user: event.user, mailbox: event.mailbox, eventId: event.eventId },
        deps,
      ),
    ),
  );

  const total = emptyBatchSummary(events.length);
  const tally = new DropTally();
  for (const [index, result] of settled.entries()) {
    if (result.status === 'rejected') {
      const event = events[index];
      total.failedEvents += 1;
      deps.logger.error('pushing a mail event failed', {
        source: event?.source,
        eventId: event?.eventId,
        user: event?.user,
        error: result.reason,
      });
      continue;
    }

    const summary = result.value;
    total.sent += summary.sent;
    total.removed += summary.removed;
    total.deduplicated += summary.deduplicated ?? 0;
    for (const { reason, count } of summary.dropped) {
      tally.add(reason, count);
      if (reason === 'retries-exhausted') {
        total.retryable += count;
      }
    }
  }
  total.dropped = tally.toList();
  return total;
}
