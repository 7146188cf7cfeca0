import { tokenPrefix } from '../log/logger.js';
import type { Registration } from '../registrations/types.js';
import type { DeviceResult } from './outcomes.js';
import { pushWithRetry } from './retry.js';
import type { NewMail, PushDeps } from './types.js';

/** One push: one event to one registration. A device with two accounts has two. */
export interface PushClaimKey {
  eventId: string;
  user: string;
  deviceToken: string;
}

/** A claim this process took. */
export interface PushClaim {
  /** Deletes the claim so a later delivery of the event can push; false when it was gone. */
  release(): Promise<boolean>;
}

/**
 * Expiring per-device claims that stop a redelivered event from pushing twice: SNS
 * delivers at least once and Lambda retries failed asynchronous invocations.
 */
export interface PushClaims {
  /** Takes the claim, or returns undefined when another delivery of the event took it. */
  claim(key: PushClaimKey, now: number): Promise<PushClaim | undefined>;
}

/** Result for one target device: pushed with an outcome, or skipped as a duplicate. */
export type DeviceAttempt =
  | { kind: 'pushed'; result: DeviceResult }
  | { kind: 'duplicate'; registration: Registration };

/**
 * Pushes one message to one device. With claims and an eventId, claims the push first
 * and skips it when the claim is taken, and releases the claim when the push ends
 * retryable so that a retry of the event can push. A delivered or finally rejected push
 * keeps its claim. When the claim cannot be written, the push goes out unclaimed,
 * because a duplicate push costs the device one mailbox check and a lost one delays mail.
 */
export async function pushToDevice(
  mail: NewMail,
  registration: Registration,
  deps: PushDeps,
): Promise<DeviceAttempt> {
  const claim = await takeClaim(mail, registration, deps);
  if (claim === 'taken') {
    deps.logger.debug('push skipped', {
      user: registration.user,
      tokenPrefix: tokenPrefix(registration.deviceToken),
      eventId: mail.eventId,
      reason: 'duplicate',
    });
    return { kind: 'duplicate', registration };
  }

  const outcome = await pushWithRetry(
    deps.sender,
    {
      deviceToken: registration.deviceToken,
      topic: deps.currentTopic,
      accountId: registration.accountId,
    },
    deps.logger,
    deps.retryDelaysMs,
  );
  if (outcome.kind === 'retryable' && claim !== undefined) {
    await releaseClaim(claim, mail, registration, deps);
  }
  return { kind: 'pushed', result: { registration, outcome } };
}

async function takeClaim(
  mail: NewMail,
  registration: Registration,
  deps: PushDeps,
): Promise<PushClaim | 'taken' | undefined> {
  const { claims } = deps;
  if (claims === undefined || mail.eventId === undefined) {
    return undefined;
  }

  const key = {
    eventId: mail.eventId,
    user: registration.user,
    deviceToken: registration.deviceToken,
  };
  try {
    return (await claims.claim(key, deps.now?.() ?? Date.now())) ?? 'taken';
  } catch (error) {
    deps.logger.warn('push claim failed, pushing without de-duplication', {
      user: registration.user,
      tokenPrefix: tokenPrefix(registration.deviceToken),
      eventId: mail.eventId,
      error,
    });
    return undefined;
  }
}

async function releaseClaim(
  claim: PushClaim,
  mail: NewMail,
  registration: Registration,
  deps: PushDeps,
): Promise<void> {
  const ids = {
    user: registration.user,
    tokenPrefix: tokenPrefix(registration.deviceToken),
    eventId: mail.eventId,
  };
  try {
    await claim.release();
  } catch (error) {
    // The claim stays until it expires, so a retry of this event skips the device.
    deps.logger.error(
      'releasing push claim failed: a retry will not push to this device',
      {
        ...ids,
        error,
      },
    );
  }
}
