import { tokenPrefix } from '../log/logger.js';
import type { Registration } from '../registrations/types.js';
import { pushToDevice } from './claims.js';
import { wantsMailbox } from './mailbox-match.js';
import { type DeviceResult, guardClass, handleOutcome } from './outcomes.js';
import { DropTally, type NewMail, type PushDeps, type PushSummary } from './types.js';

/**
 * Pushes one new message to every device of the user that asked for its mailbox,
 * all devices at once, and cleans up registrations whose token APNs reports dead.
 * Every drop is logged with the user and the token prefix.
 */
export async function pushNewMail(mail: NewMail, deps: PushDeps): Promise<PushSummary> {
  const startedAt = deps.now?.() ?? Date.now();
  const tally = new DropTally();

  const registrations = await deps.store.listByUser(mail.user, startedAt);
  if (registrations.length === 0) {
    // Every message for every user reaches this point, so it stays at debug level.
    deps.logger.debug('push dropped', { user: mail.user, reason: 'no-devices' });
    tally.add('no-devices');
    return { sent: 0, dropped: tally.toList(), removed: 0 };
  }

  const targets = selectTargets(mail, registrations, deps, tally);
  const attempts = await Promise.all(
    targets.map((registration) => pushToDevice(mail, registration, deps)),
  );
  const results: DeviceResult[] = [];
  let deduplicated = 0;
  for (const attempt of attempts) {
    if (attempt.kind === 'duplicate') {
      deduplicated += 1;
    } else {
      results.push(attempt.result);
    }
  }

  const recordedAt = deps.now?.() ?? Date.now();
  for (const result of results) {
    deps.guard.record(guardClass(result.outcome), recordedAt);
  }

  let sent = 0;
  let removed = 0;
  for (const result of results) {
    if (result.outcome.kind === 'delivered') {
      sent += 1;
    }
    if (await handleOutcome(result, startedAt, deps, tally)) {
      removed += 1;
    }
  }
  const summary: PushSummary = { sent, dropped: tally.toList(), removed };
  if (deps.claims !== undefined) {
    summary.deduplicated = deduplicated;
  }
  return summary;
}

/** Keeps the registrations that asked for the mailbox under the current topic. */
function selectTargets(
  mail: NewMail,
  registrations: Registration[],
  deps: PushDeps,
  tally: DropTally,
): Registration[] {
  const targets: Registration[] = [];

  for (const registration of registrations) {
    const ids = { user: mail.user, tokenPrefix: tokenPrefix(registration.deviceToken) };
    if (!wantsMailbox(registration, mail.mailbox)) {
      tally.add('mailbox-not-registered');
      deps.logger.debug('push dropped', { ...ids, reason: 'mailbox-not-registered' });
      continue;
    }
    if (registration.topic !== deps.currentTopic) {
      // The device still listens on the old topic; it moves when it registers again.
      tally.add('topic-changed');
      deps.logger.info('push dropped', { ...ids, reason: 'topic-changed' });
      continue;
    }
    targets.push(registration);
  }
  return targets;
}
