import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PushOutcome } from '../apns/types.js';
import { CREDENTIAL_CONFIG_KEY, type CredentialBlock } from './stored-credential.js';

/*
 * The credential block: attributes on the credential config item, set when APNs rejects
 * the credential itself. While set, the push function skips pushes instead of having
 * every container send requests APNs will reject. A rotation, an import or
 * `xaps credential clear-block` clears it.
 */

/**
 * 403 reasons from Apple's "Handling notification responses from APNs" that reject the
 * credential itself. ExpiredProviderToken is not one: the client signs a new JWT.
 */
export const BLOCKING_REASONS: ReadonlySet<string> = new Set([
  'BadCertificate',
  'BadCertificateEnvironment',
  'Forbidden',
  'InvalidProviderToken',
]);

/** Reports whether a push outcome rejects the credential itself. */
export function isBlockingRejection(outcome: PushOutcome): boolean {
  return outcome.kind === 'credential-rejected' && BLOCKING_REASONS.has(outcome.reason);
}

/** Reads the block from a config item's attributes; undefined when not blocked. */
export function blockOf(item: Record<string, unknown>): CredentialBlock | undefined {
  if (item.blocked !== true) return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    reason: text(item.blockedReason),
    at: text(item.blockedAt),
    versionId: text(item.blockedVersionId),
  };
}

/**
 * Sets the block, but only while the config item still names `block.versionId` and no
 * block is set: a rejection of a credential that a rotation already replaced blocks
 * nothing. Returns true when this call set it.
 */
export async function setBlocked(
  client: DynamoDBClient,
  tableName: string,
  block: CredentialBlock,
): Promise<boolean> {
  try {
    await DynamoDBDocumentClient.from(client).send(
      new UpdateCommand({
        TableName: tableName,
        Key: { ...CREDENTIAL_CONFIG_KEY },
        UpdateExpression:
          'SET blocked = :blocked, blockedReason = :reason, blockedAt = :at, ' +
          'blockedVersionId = :version',
        ConditionExpression:
          'attribute_exists(pk) AND secretVersionId = :version AND attribute_not_exists(blocked)',
        ExpressionAttributeValues: {
          ':blocked': true,
          ':reason': block.reason,
          ':at': block.at,
          ':version': block.versionId,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Clears the block; returns the block it removed, or undefined when none was set. */
export async function clearBlocked(
  client: DynamoDBClient,
  tableName: string,
): Promise<CredentialBlock | undefined> {
  try {
    const response = await DynamoDBDocumentClient.from(client).send(
      new UpdateCommand({
        TableName: tableName,
        Key: { ...CREDENTIAL_CONFIG_KEY },
        UpdateExpression: 'REMOVE blocked, blockedReason, blockedAt, blockedVersionId',
        ConditionExpression: 'attribute_exists(blocked)',
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return blockOf(response.Attributes ?? {});
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** Reads the block from the config item; undefined when not blocked or no item exists. */
export async function readBlock(
  client: DynamoDBClient,
  tableName: string,
): Promise<CredentialBlock | undefined> {
  const { Item } = await DynamoDBDocumentClient.from(client).send(
    new GetCommand({ TableName: tableName, Key: { ...CREDENTIAL_CONFIG_KEY } }),
  );
  return Item === undefined ? undefined : blockOf(Item);
}

/** Reports whether pushes are blocked. */
export async function isBlocked(
  client: DynamoDBClient,
  tableName: string,
): Promise<boolean> {
  return (await readBlock(client, tableName)) !== undefined;
}
