import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readCredentialConfig } from '../secret-store.js';
import type { CredentialConfig } from '../stored-credential.js';
import { type CheckRecord, recordCheck } from './check-record.js';
import { logCredentialPlan } from './plan-log.js';
import { type CredentialPlan, planCredential } from './policy.js';
import type { RotationLogger } from './rotation-types.js';
import { describeVersions } from './secret-versions.js';
import {
  type RotateSecretCall,
  type RotationStart,
  startRotation,
} from './start-rotation.js';

export interface CheckDeps {
  secrets: SecretsManagerClient;
  dynamodb: DynamoDBClient;
  tableName: string;
  secretId: string;
  logger: RotationLogger;
  /** The rotation function has XAPS_XSERVER_ENDPOINT set. */
  renewalConfigured: boolean;
  rotate?: RotateSecretCall;
  now?: () => Date;
  pendingGraceMs?: number;
}

/** Result of one daily check. */
export interface CheckResult {
  /** Undefined when no credential was ever imported. */
  config: CredentialConfig | undefined;
  plan: CredentialPlan | undefined;
  rotation: RotationStart | undefined;
}

/**
 * Runs the daily credential check. It logs the days to expiry, warns at 30, 14 and 7
 * days and reports a credential block. It starts a rotation when an upload waits under
 * XAPS_UPLOADED or an XServer renewal is due, and records the result on the config item.
 */
export async function checkCredential(deps: CheckDeps): Promise<CheckResult> {
  const now = deps.now?.() ?? new Date();
  const config = await readCredentialConfig(deps.dynamodb, deps.tableName);
  if (config === undefined) {
    deps.logger.warn(
      'no credential config item: import a credential with xaps credential import',
      { tableName: deps.tableName, secretId: deps.secretId },
    );
    return { config, plan: undefined, rotation: undefined };
  }

  const versions = await describeVersions(deps.secrets, deps.secretId);
  if (versions.current !== undefined && versions.current !== config.secretVersionId) {
    deps.logger.warn('the config item names another version than AWSCURRENT', {
      configVersionId: config.secretVersionId,
      currentVersionId: versions.current,
    });
  }
  const plan = planCredential({
    kind: config.kind,
    notAfter: config.notAfter,
    now,
    uploadWaiting:
      versions.uploaded !== undefined && versions.uploaded !== versions.current,
    renewalConfigured: deps.renewalConfigured,
    mode: 'aws',
  });
  logPlan(deps.logger, config, plan);

  const rotation =
    plan.rotate === undefined ? undefined : await tryRotation(deps, plan.rotate, now);
  await recordCheck(
    deps.dynamodb,
    deps.tableName,
    checkRecord(now, plan, rotation, deps),
  );
  return { config, plan, rotation };
}

function logPlan(logger: RotationLogger, config: CredentialConfig, plan: CredentialPlan) {
  logCredentialPlan(logger, config, plan);
  if (config.block !== undefined) {
    logger.error(
      'pushes are blocked because APNs rejected the credential: import a working one ' +
        'with xaps credential import, or fix the cause and run xaps credential clear-block',
      { ...config.block },
    );
  }
}

async function tryRotation(
  deps: CheckDeps,
  why: NonNullable<CredentialPlan['rotate']>,
  now: Date,
): Promise<RotationStart> {
  try {
    const start = await startRotation({
      secrets: deps.secrets,
      secretId: deps.secretId,
      logger: deps.logger,
      now: () => now,
      ...(deps.rotate === undefined ? {} : { rotate: deps.rotate }),
      ...(deps.pendingGraceMs === undefined
        ? {}
        : { pendingGraceMs: deps.pendingGraceMs }),
    });
    if (!start.started)
      deps.logger.info('rotation not started', { why, reason: start.reason });
    return start;
  } catch (error) {
    deps.logger.error('starting the rotation failed', { why, error });
    return { started: false, reason: `RotateSecret failed: ${describe(error)}` };
  }
}

function checkRecord(
  now: Date,
  plan: CredentialPlan,
  rotation: RotationStart | undefined,
  deps: CheckDeps,
): CheckRecord {
  const record: CheckRecord = {
    at: now.toISOString(),
    daysLeft: plan.daysLeft,
    renewal: deps.renewalConfigured ? 'on' : 'off',
    action: 'none',
  };
  if (rotation?.started === true) record.action = 'rotation-started';
  else if (rotation !== undefined) {
    record.action = 'rotation-not-started';
    record.detail = rotation.reason;
  } else if (plan.warning !== undefined) {
    record.action = 'warning';
    record.detail = plan.warning.message;
  }
  return record;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return `${error.name}: ${error.message}`;
}
