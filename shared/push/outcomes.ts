import type { PushOutcome } from '../apns/types.js';
import { tokenPrefix } from '../log/logger.js';
import type { Registration } from '../registrations/types.js';
import type { GuardOutcome } from './bad-token-guard.js';
import type { DropTally, PushDeps } from './types.js';

/** One device's final APNs outcome, with what the caller needs to act on it. */
export interface DeviceResult {
  registration: Registration;
  outcome: PushOutcome;
}

/** Classifies an outcome for the guard: BadDeviceToken is a 400 token-dead response. */
export function guardClass(outcome: PushOutcome): GuardOutcome {
  if (outcome.kind === 'delivered') {
    return 'delivered';
  }
  if (outcome.kind === 'token-dead' && outcome.status === 400) {
    return 'bad-device-token';
  }
  return 'other';
}

/**
 * Acts on one device's outcome: deletes dead tokens (unless the device registered
 * again after APNs saw the token die, or the guard blocks it), logs every drop.
 * Returns true when the registration was deleted.
 */
export async function handleOutcome(
  result: DeviceResult,
  startedAt: number,
  deps: PushDeps,
  tally: DropTally,
): Promise<boolean> {
  const { registration, outcome } = result;
  const ids = logIds(registration);

  switch (outcome.kind) {
    case 'delivered':
      deps.logger.debug('push delivered', { ...ids, apnsId: outcome.apnsId });
      return false;
    case 'token-dead':
      return handleDeadToken(result, startedAt, deps, tally);
    case 'topic-mismatch':
      tally.add('topic-mismatch');
      deps.logger.warn('push dropped', {
        ...ids,
        reason: 'topic-mismatch',
        apnsReason: outcome.reason,
        detail:
          'registration kept until the device registers again under the current topic',
      });
      return false;
    case 'credential-rejected':
      tally.add('credential-rejected');
      deps.logger.error('push dropped', {
        ...ids,
        reason: 'credential-rejected',
        apnsReason: outcome.reason,
        detail:
          'APNs rejected the credential: check the certificate, its expiry and topic',
      });
      return false;
    case 'retryable':
    case 'other': {
      // A retryable outcome that reaches this point has used up the in-process retries.
      const reason = outcome.kind === 'retryable' ? 'retries-exhausted' : 'rejected';
      tally.add(reason);
      deps.logger.error('push dropped', {
        ...ids,
        reason,
        apnsReason: outcome.reason,
        status: outcome.status,
      });
      return false;
    }
  }
}

async function handleDeadToken(
  result: DeviceResult,
  startedAt: number,
  deps: PushDeps,
  tally: DropTally,
): Promise<boolean> {
  const { registration, outcome } = result;
  if (outcome.kind !== 'token-dead') {
    return false;
  }
  const ids = logIds(registration);
  const now = deps.now?.() ?? Date.now();

  if (outcome.status === 400 && !deps.guard.allowsDeletion(now)) {
    tally.add('bad-device-token-kept');
    deps.logger.info('push dropped', { ...ids, reason: 'token-dead', removed: false });
    const blocked = deps.guard.noteBlocked(now);
    if (blocked !== undefined) {
      deps.logger.error(
        'APNs responded with BadDeviceToken to most pushes, so no registration is deleted for it: ' +
          'check that XAPS_APNS_ENDPOINT matches the certificate environment ' +
          '(a sandbox certificate needs XAPS_APNS_ENDPOINT=sandbox)',
        { blockedDeletions: blocked },
      );
    }
    return false;
  }

  // A 410 carries the time APNs learned the token died; a device that registered after it lives.
  const since = outcome.timestamp ?? startedAt;
  tally.add('token-dead');
  try {
    const removed = await deps.store.deleteIfNotRefreshedSince(
      registration.user,
      registration.deviceToken,
      since,
    );
    deps.logger.info('push dropped', {
      ...ids,
      reason: 'token-dead',
      apnsReason: outcome.reason,
      removed,
    });
    return removed;
  } catch (error) {
    deps.logger.error('deleting dead registration failed', { ...ids, error });
    return false;
  }
}

/** Names a device in logs by its user and token prefix, never by the full token. */
function logIds(registration: Registration): { user: string; tokenPrefix: string } {
  return {
    user: registration.user,
    tokenPrefix: tokenPrefix(registration.deviceToken),
  };
}
