import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CREDENTIAL_CONFIG_KEY } from '../stored-credential.js';

/**
 * The daily check's last result, kept as the `lastCheck` attribute of the credential
 * config item so `xaps credential status` can show it. finishSecret replaces the item,
 * so a record always describes the credential in use.
 */
export interface CheckRecord {
  /** ISO 8601 time of the check. */
  at: string;
  daysLeft: number | null;
  /** Whether the rotation function can renew an XServer certificate. */
  renewal: 'on' | 'off';
  action: 'rotation-started' | 'rotation-not-started' | 'warning' | 'none';
  /** The warning, or why a rotation did not start. */
  detail?: string;
}

/** Stores `record` on the config item; does nothing when the item is missing. */
export async function recordCheck(
  client: DynamoDBClient,
  tableName: string,
  record: CheckRecord,
): Promise<void> {
  try {
    await DynamoDBDocumentClient.from(client).send(
      new UpdateCommand({
        TableName: tableName,
        Key: { ...CREDENTIAL_CONFIG_KEY },
        UpdateExpression: 'SET lastCheck = :record',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':record': record },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Reads the check record from a config item's attributes; undefined when absent. */
export function checkRecordOf(item: Record<string, unknown>): CheckRecord | undefined {
  const value = item.lastCheck;
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  if (typeof fields.at !== 'string' || typeof fields.action !== 'string')
    return undefined;
  const record: CheckRecord = {
    at: fields.at,
    daysLeft: typeof fields.daysLeft === 'number' ? fields.daysLeft : null,
    renewal: fields.renewal === 'on' ? 'on' : 'off',
    action: fields.action as CheckRecord['action'],
  };
  if (typeof fields.detail === 'string') record.detail = fields.detail;
  return record;
}
