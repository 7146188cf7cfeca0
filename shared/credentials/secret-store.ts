import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseCredentialConfigItem } from './credential-config-item.js';
import {
  CREDENTIAL_CONFIG_KEY,
  type CredentialConfig,
  type StoredCredential,
} from './stored-credential.js';
import { parseStoredCredential } from './stored-credential-parse.js';

/*
 * The reading side of the credential storage: the secret with the private key, and the
 * config item with its public facts. Writing them lives in other files.
 */

/** A stored credential and the Secrets Manager version it was read from. */
export interface StoredCredentialVersion {
  credential: StoredCredential;
  versionId: string;
}

/**
 * Reads and checks the stored credential: the version `versionId` when given, otherwise
 * the one labelled AWSCURRENT. Throws naming the secret and what to do when the secret
 * or version is missing, has no SecretString, or fails the format check.
 */
export async function readStoredCredential(
  client: SecretsManagerClient,
  secretId: string,
  versionId?: string,
): Promise<StoredCredentialVersion> {
  const wanted = versionId === undefined ? 'AWSCURRENT' : `version ${versionId}`;
  let response: GetSecretValueCommandOutput;
  try {
    response = await client.send(
      new GetSecretValueCommand({
        SecretId: secretId,
        // The label is named rather than left to the default, because moto returns the
        // first version for a request without one, even after AWSCURRENT moved on.
        ...(versionId === undefined
          ? { VersionStage: 'AWSCURRENT' }
          : { VersionId: versionId }),
      }),
    );
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new Error(
        `secret '${secretId}' (${wanted}) was not found: store the APNs credential with ` +
          'xaps credential import, or point XAPS_CREDENTIAL_SECRET_ID at the right secret',
        { cause: error },
      );
    }
    throw error;
  }

  const origin = `secret '${secretId}' ${wanted}`;
  if (typeof response.SecretString !== 'string') {
    throw new Error(
      `${origin} has no SecretString (binary secrets are not supported): store the credential ` +
        'as JSON with xaps credential import',
    );
  }
  const credential = parseStoredCredential(response.SecretString, origin);
  return { credential, versionId: response.VersionId ?? versionId ?? 'AWSCURRENT' };
}

/**
 * Reads the credential config item from the registrations table; undefined when no
 * credential was ever imported. Throws when the item exists but is malformed.
 */
export async function readCredentialConfig(
  client: DynamoDBClient,
  tableName: string,
): Promise<CredentialConfig | undefined> {
  const doc = DynamoDBDocumentClient.from(client);
  const { Item } = await doc.send(
    new GetCommand({ TableName: tableName, Key: { ...CREDENTIAL_CONFIG_KEY } }),
  );
  return Item === undefined ? undefined : parseCredentialConfigItem(Item);
}
