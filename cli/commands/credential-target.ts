import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readString } from '../../shared/config/env.js';
import { CliError, type CliIo } from '../io.js';

/** Options every credential command takes to find the AWS deployment. */
export interface TargetOptions {
  secret?: string;
  table?: string;
  region?: string;
}

/** Place a credential command works on: the AWS deployment, or the local data directory. */
export type CredentialPlace =
  | { mode: 'aws'; secretId: string; tableName: string; region: string | undefined }
  | { mode: 'local'; dataDir: string };

/**
 * Chooses the AWS deployment when a secret or a table is given (by option, or by
 * XAPS_CREDENTIAL_SECRET_ID or XAPS_TABLE_NAME), and then requires both. Otherwise
 * chooses the local mode's data directory, XAPS_DATA_DIR (default ./data).
 */
export function credentialPlace(io: CliIo, options: TargetOptions): CredentialPlace {
  const secretId = options.secret ?? readString(io.env, 'XAPS_CREDENTIAL_SECRET_ID');
  const tableName = options.table ?? readString(io.env, 'XAPS_TABLE_NAME');
  if (secretId === undefined && tableName === undefined) {
    return {
      mode: 'local',
      dataDir: resolve(readString(io.env, 'XAPS_DATA_DIR') ?? './data'),
    };
  }
  return {
    mode: 'aws',
    secretId: required(secretId, '--secret', 'XAPS_CREDENTIAL_SECRET_ID'),
    tableName: required(tableName, '--table', 'XAPS_TABLE_NAME'),
    region: options.region,
  };
}

/** Returns the table alone, for commands that never touch the secret. */
export function tableOf(io: CliIo, options: TargetOptions): string {
  return required(
    options.table ?? readString(io.env, 'XAPS_TABLE_NAME'),
    '--table',
    'XAPS_TABLE_NAME',
  );
}

/** AWS SDK clients for one command run; close() destroys them. */
export function awsClients(region: string | undefined) {
  const settings = region === undefined ? {} : { region };
  const secrets = new SecretsManagerClient(settings);
  const dynamodb = new DynamoDBClient(settings);
  return {
    secrets,
    dynamodb,
    close() {
      secrets.destroy();
      dynamodb.destroy();
    },
  };
}

function required(value: string | undefined, option: string, variable: string): string {
  if (value === undefined || value === '') {
    throw new CliError(
      `${option} is missing: give it, or set ${variable} (the stack outputs list the value)`,
    );
  }
  return value;
}
