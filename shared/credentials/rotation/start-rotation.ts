import { randomUUID } from 'node:crypto';
import {
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RotationLogger } from './rotation-types.js';
import { AWSPENDING, describeVersions, removeLabel } from './secret-versions.js';

/** A pending version younger than this belongs to a rotation that may still be running. */
export const DEFAULT_PENDING_GRACE_MS = 60 * 60_000;

/** Calls RotateSecret for one secret with `token` as the new version id. */
export type RotateSecretCall = (secretId: string, token: string) => Promise<void>;

export interface StartRotationOptions {
  secrets: SecretsManagerClient;
  secretId: string;
  logger: Pick<RotationLogger, 'info' | 'warn'>;
  /** Default: RotateSecret through `secrets`. Tests drive the steps themselves. */
  rotate?: RotateSecretCall;
  now?: () => Date;
  pendingGraceMs?: number;
}

/** Whether a rotation started, with its token, or why not. */
export type RotationStart =
  | { started: true; token: string; clearedPending: string | undefined }
  | { started: false; reason: string };

/**
 * Starts a rotation of the secret. RotateSecret fails while AWSPENDING is on a version
 * other than AWSCURRENT, so a leftover of a failed rotation is removed first. A pending
 * version younger than the grace period may belong to a running rotation: nothing starts.
 */
export async function startRotation(
  options: StartRotationOptions,
): Promise<RotationStart> {
  const { secrets, secretId, logger } = options;
  const versions = await describeVersions(secrets, secretId);
  let clearedPending: string | undefined;

  const pending = versions.pending;
  if (pending !== undefined && pending !== versions.current) {
    const createdMs = await createdAt(secrets, secretId, pending);
    const nowMs = (options.now?.() ?? new Date()).getTime();
    const graceMs = options.pendingGraceMs ?? DEFAULT_PENDING_GRACE_MS;
    if (createdMs !== undefined && nowMs - createdMs < graceMs) {
      const since = new Date(createdMs).toISOString();
      return {
        started: false,
        reason: `a rotation is in progress: AWSPENDING is on version ${pending} since ${since}`,
      };
    }
    await removeLabel(secrets, secretId, AWSPENDING, pending);
    clearedPending = pending;
    logger.warn('removed AWSPENDING left by a failed rotation', {
      secretId,
      versionId: pending,
    });
  }

  const token = randomUUID();
  const rotate = options.rotate ?? rotateSecretWith(secrets);
  await rotate(secretId, token);
  logger.info('rotation started', { secretId, token });
  return { started: true, token, clearedPending };
}

/** Returns the RotateSecret call of `client`; the rotation function runs the steps. */
export function rotateSecretWith(client: SecretsManagerClient): RotateSecretCall {
  return async (secretId, token) => {
    await client.send(
      new RotateSecretCommand({ SecretId: secretId, ClientRequestToken: token }),
    );
  };
}

async function createdAt(
  client: SecretsManagerClient,
  secretId: string,
  versionId: string,
): Promise<number | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({
        SecretId: secretId,
        ...(nextToken === undefined ? {} : { NextToken: nextToken }),
      }),
    );
    const found = page.Versions?.find((version) => version.VersionId === versionId);
    if (found !== undefined) return found.CreatedDate?.getTime();
    nextToken = page.NextToken === '' ? undefined : page.NextToken;
  } while (nextToken !== undefined);
  return undefined;
}
