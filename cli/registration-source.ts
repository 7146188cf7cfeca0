import { type CoreConfig, loadCoreConfig } from '../shared/config/core-config.js';
import { ConfigError, type Env, readString } from '../shared/config/env.js';
import { DynamoDbRegistrationStore } from '../shared/registrations/dynamodb-store.js';
import type { RegistrationStore } from '../shared/registrations/types.js';
import { createUserMapping, type UserMapping } from '../shared/users/user-mapping.js';
import { readShimMode, regionOfTopicArn, type ShimMode } from '../shim/aws/aws-config.js';
import { loadShimConfig, type ShimConfig } from '../shim/config.js';
import { CliError, openStore } from './io.js';

/** The table and region the one-shot commands use with XAPS_MODE=aws. */
export interface CliAwsTarget {
  tableName: string;
  /** From XAPS_SNS_TOPIC_ARN as `xaps serve` takes it; otherwise the SDK's own choice. */
  region: string | undefined;
}

/** The registrations of the mode XAPS_MODE selects, and the settings read with them. */
export type RegistrationSource =
  | { mode: 'local'; config: ShimConfig; users: UserMapping }
  | { mode: 'aws'; core: CoreConfig; target: CliAwsTarget; users: UserMapping };

/**
 * Reads the settings of the one-shot commands. With XAPS_MODE=aws only XAPS_TABLE_NAME
 * is required: the commands publish nothing, so XAPS_SNS_TOPIC_ARN is optional.
 */
export function readRegistrationSource(env: Env): RegistrationSource {
  const mode: ShimMode = readShimMode(env);
  if (mode === 'local') {
    const config = loadShimConfig(env);
    return { mode, config, users: createUserMapping(config.core.users) };
  }
  const core = loadCoreConfig(env);
  return {
    mode,
    core,
    target: readCliAwsTarget(env),
    users: createUserMapping(core.users),
  };
}

/** Reads XAPS_TABLE_NAME (required) and the region of XAPS_SNS_TOPIC_ARN (optional). */
export function readCliAwsTarget(env: Env): CliAwsTarget {
  const tableName = readString(env, 'XAPS_TABLE_NAME');
  if (tableName === undefined) {
    throw new ConfigError(
      'XAPS_TABLE_NAME',
      'XAPS_TABLE_NAME is required with XAPS_MODE=aws: set it to the DynamoDB table of ' +
        'the deployment (the stack output RegistrationsTableName)',
    );
  }
  const topicArn = readString(env, 'XAPS_SNS_TOPIC_ARN');
  return {
    tableName,
    region: topicArn === undefined ? undefined : regionOfTopicArn(topicArn),
  };
}

/** Opens the store of `source`: the data directory's SQLite file, or DynamoDB. */
export function openRegistrationStore(source: RegistrationSource): RegistrationStore {
  if (source.mode === 'local') return openStore(source.config);
  const { tableName, region } = source.target;
  return new DynamoDbRegistrationStore({
    tableName,
    maxDevicesPerUser: source.core.maxDevicesPerUser,
    ...(region !== undefined && { region }),
  });
}

/**
 * Returns the error to report for a failed store call. An AWS error becomes one line
 * naming the table and what to check, instead of a stack trace. Others pass unchanged.
 */
export function explainStoreError(source: RegistrationSource, error: unknown): unknown {
  if (source.mode === 'local' || error instanceof CliError) return error;
  const reason =
    error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CliError(
    `DynamoDB table '${source.target.tableName}' could not be used (${reason}): check ` +
      'XAPS_TABLE_NAME, the region (AWS_REGION, or the one in XAPS_SNS_TOPIC_ARN) and ' +
      'the AWS credentials',
    { cause: error },
  );
}
