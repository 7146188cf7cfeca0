import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { credentialConfigItem, credentialConfigOf } from './credential-config-item.js';
import { describeVersions, UPLOADED_LABEL } from './rotation/secret-versions.js';
import type { CredentialConfig, StoredCredential } from './stored-credential.js';

/*
 * The writing side of the credential storage: the secret that contains the private key,
 * then the config item with its public facts. secret-store.ts reads them.
 */

/** Destination of a credential write: the secret and the registrations table. */
export interface CredentialTarget {
  secrets: SecretsManagerClient;
  dynamodb: DynamoDBClient;
  /** Name or ARN of the secret (the stack output CredentialSecretArn). */
  secretId: string;
  /** The registrations table (the stack output RegistrationsTableName). */
  tableName: string;
}

/** Result of a credential write: the config item as written and the new secret version. */
export interface WrittenCredential {
  config: CredentialConfig;
  versionId: string;
}

/** A failed write to Secrets Manager or DynamoDB, with a message that names the fix. */
export class CredentialWriteError extends Error {
  override readonly name = 'CredentialWriteError';
}

/**
 * Stores `credential` as a new version of the secret, then records its public facts in
 * the config item so the shim and the push function agree on the topic. A warm push
 * function reads the config item on every invocation and loads the new version on its
 * next one, because the item's secretVersionId changed. Throws CredentialWriteError
 * naming the secret or table; never puts key material in a message.
 */
export async function writeCredential(
  target: CredentialTarget,
  credential: StoredCredential,
  now: Date = new Date(),
): Promise<WrittenCredential> {
  // Without a label the new version becomes AWSCURRENT: right for a first import. Later
  // ones go through uploadCredential and the rotation function, which tests them first.
  const versionId = await putVersion(target, credential, undefined);
  const config = credentialConfigOf(credential, versionId, now);

  try {
    await DynamoDBDocumentClient.from(target.dynamodb).send(
      new PutCommand({ TableName: target.tableName, Item: credentialConfigItem(config) }),
    );
  } catch (error) {
    throw new CredentialWriteError(
      `the credential is stored in secret '${target.secretId}' as version ${versionId}, ` +
        `but the config item could not be written to table '${target.tableName}' ` +
        `(${describe(error)}): ${advice(error, 'table', 'dynamodb:PutItem')}, ` +
        'then import again',
      { cause: error },
    );
  }
  return { config, versionId };
}

/**
 * Stores `credential` as a new version under the XAPS_UPLOADED label, which moves off any
 * earlier upload. AWSCURRENT stays where it is until the rotation function has tested
 * the upload and promoted it. Returns the new version id.
 */
export function uploadCredential(
  target: CredentialTarget,
  credential: StoredCredential,
): Promise<string> {
  return putVersion(target, credential, UPLOADED_LABEL);
}

/** Returns the version id labelled AWSCURRENT, or undefined for a secret with no value. */
export async function currentVersionOf(
  target: CredentialTarget,
): Promise<string | undefined> {
  try {
    return (await describeVersions(target.secrets, target.secretId)).current;
  } catch (error) {
    throw new CredentialWriteError(
      `secret '${target.secretId}' could not be described (${describe(error)}): ` +
        advice(error, 'secret', 'secretsmanager:DescribeSecret'),
      { cause: error },
    );
  }
}

async function putVersion(
  target: CredentialTarget,
  credential: StoredCredential,
  label: string | undefined,
): Promise<string> {
  try {
    const response = await target.secrets.send(
      new PutSecretValueCommand({
        SecretId: target.secretId,
        SecretString: JSON.stringify(credential),
        ...(label === undefined ? {} : { VersionStages: [label] }),
      }),
    );
    if (response.VersionId === undefined) {
      throw new Error('the response carried no VersionId');
    }
    return response.VersionId;
  } catch (error) {
    throw new CredentialWriteError(
      `the credential could not be stored in secret '${target.secretId}' ` +
        `(${describe(error)}): ${advice(error, 'secret', 'secretsmanager:PutSecretValue')}`,
      { cause: error },
    );
  }
}

/** Names the AWS error without its request details, which may echo the request. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
}

function advice(error: unknown, what: 'secret' | 'table', action: string): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'ResourceNotFoundException') {
    const output = what === 'secret' ? 'CredentialSecretArn' : 'RegistrationsTableName';
    return `check the ${what} name and region, or deploy the stack and use its ${output} output`;
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return `use an AWS identity allowed ${action} on that ${what}`;
  }
  return 'check the AWS credentials, region and network, and try again';
}
