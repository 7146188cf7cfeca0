import type { StoredCredentialKind } from '../stored-credential.js';

/** Days before expiry from which an XServer certificate is renewed, daily until it works. */
export const RENEW_DAYS_BEFORE = 30;
/** Days before expiry at which warnings start and grow more urgent. */
export const WARNING_DAYS = [30, 14, 7] as const;

const DAY_MS = 86_400_000;

/** Facts about the credential in use that the policy decides on. */
export interface PolicyInput {
  kind: StoredCredentialKind;
  /** ISO 8601 expiry; null for a token key. */
  notAfter: string | null;
  now: Date;
  /** An operator's credential waits under XAPS_UPLOADED (AWS mode only). */
  uploadWaiting: boolean;
  /** The rotation function has XAPS_XSERVER_ENDPOINT set (AWS mode only). */
  renewalConfigured: boolean;
  /** `aws`: Secrets Manager rotation; `local`: files of xaps serve, renewed by hand. */
  mode: 'aws' | 'local';
}

/** A warning about the coming expiry. */
export interface ExpiryWarning {
  /** The threshold crossed: 30, 14, 7, or 0 once expired. */
  threshold: number;
  level: 'warn' | 'error';
  message: string;
}

/** The day's action, and the next step. */
export interface CredentialPlan {
  /** Whole days until expiry (negative once expired); null when it never expires. */
  daysLeft: number | null;
  /** Reason to start a rotation today; undefined for none. */
  rotate: 'upload-waiting' | 'renewal-due' | undefined;
  warning: ExpiryWarning | undefined;
  /** ISO 8601 start of automatic renewal (XServer with renewal on); null otherwise. */
  renewalFrom: string | null;
  /** One sentence on what happens next, for logs and `xaps credential status`. */
  next: string;
}

/**
 * Decides the day's action. A waiting upload rotates at once. An XServer certificate with
 * renewal on is renewed from 30 days before expiry, and warns only from 14 days, when
 * renewal has failed for two weeks. Other credentials warn at 30, 14 and 7 days.
 */
export function planCredential(input: PolicyInput): CredentialPlan {
  const daysLeft =
    input.notAfter === null
      ? null
      : Math.floor((Date.parse(input.notAfter) - input.now.getTime()) / DAY_MS);
  const renews =
    input.mode === 'aws' &&
    input.kind === 'xserver-certificate' &&
    input.renewalConfigured;
  const renewalFrom =
    renews && input.notAfter !== null
      ? new Date(Date.parse(input.notAfter) - RENEW_DAYS_BEFORE * DAY_MS).toISOString()
      : null;

  let rotate: CredentialPlan['rotate'];
  if (input.uploadWaiting) rotate = 'upload-waiting';
  else if (renews && daysLeft !== null && daysLeft <= RENEW_DAYS_BEFORE) {
    rotate = 'renewal-due';
  }

  const warning = daysLeft === null ? undefined : expiryWarning(daysLeft, input, renews);
  return {
    daysLeft,
    rotate,
    warning,
    renewalFrom,
    next: nextStep(input, daysLeft, rotate, renewalFrom),
  };
}

/**
 * Decides the day's action for the credential of `xaps serve`, which keeps no upload
 * slot and renews nothing itself.
 */
export function planLocalCredential(
  kind: StoredCredentialKind,
  notAfter: string | null,
  now: Date,
): CredentialPlan {
  return planCredential({
    kind,
    notAfter,
    now,
    uploadWaiting: false,
    renewalConfigured: false,
    mode: 'local',
  });
}

function expiryWarning(
  daysLeft: number,
  input: PolicyInput,
  renews: boolean,
): ExpiryWarning | undefined {
  const crossed = [...WARNING_DAYS].reverse().find((days) => daysLeft <= days);
  if (daysLeft >= 0 && (crossed === undefined || (renews && crossed === 30))) {
    return undefined;
  }
  const threshold = daysLeft < 0 ? 0 : (crossed ?? 0);
  const when =
    daysLeft < 0
      ? `expired ${-daysLeft} day(s) ago (${input.notAfter}): APNs rejects it`
      : `expires in ${daysLeft} day(s) (${input.notAfter})`;
  return {
    threshold,
    level: threshold <= 7 ? 'error' : 'warn',
    message: `the APNs ${input.kind} ${when}; ${advice(input, renews)}`,
  };
}

function advice(input: PolicyInput, renews: boolean): string {
  if (renews) {
    return (
      'automatic renewal has not succeeded yet: read the rotation function log, or ' +
      'upload a replacement with xaps credential import'
    );
  }
  if (input.kind === 'xserver-certificate') {
    return input.mode === 'aws'
      ? 'set XAPS_XSERVER_ENDPOINT on the rotation function to renew it, or upload a ' +
          'replacement with xaps credential import'
      : 'renew it with xaps credential request --renew, then xaps credential import ' +
          'and restart xaps serve';
  }
  return input.mode === 'aws'
    ? "create a new push certificate in Apple's developer portal and upload it with " +
        'xaps credential import'
    : "create a new push certificate in Apple's developer portal, then xaps credential " +
        'import it and restart xaps serve';
}

function nextStep(
  input: PolicyInput,
  daysLeft: number | null,
  rotate: CredentialPlan['rotate'],
  renewalFrom: string | null,
): string {
  if (rotate === 'upload-waiting') {
    return 'rotation starts now: the uploaded credential is tested against APNs, then made AWSCURRENT';
  }
  if (rotate === 'renewal-due') {
    return 'renewal runs now, and again each day until it succeeds';
  }
  if (daysLeft === null) return 'nothing: a token key does not expire';
  if (renewalFrom !== null)
    return `automatic renewal starts on ${renewalFrom.slice(0, 10)}`;
  if (daysLeft > WARNING_DAYS[0]) {
    const from = new Date(
      Date.parse(input.notAfter ?? '') - WARNING_DAYS[0] * DAY_MS,
    ).toISOString();
    return `warnings start on ${from.slice(0, 10)}; replace the credential before it expires`;
  }
  return 'replace the credential before it expires: it is not renewed automatically';
}
