import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoItem } from './dynamodb-item.js';
import {
  PARTITION_KEY,
  REGISTRATION_SORT_PREFIX,
  registrationKey,
  SORT_KEY,
  userKey,
} from './dynamodb-schema.js';

/** Runs a query over every page and returns all items. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<DynamoItem[]> {
  const items: DynamoItem[] = [];
  for await (const page of paginateQuery({ client: doc }, input)) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

/**
 * Reads every registration item of a user, expired ones included, with a
 * strongly consistent read so a write this process just made is seen.
 */
export function queryUserRegistrations(
  doc: DynamoDBDocumentClient,
  tableName: string,
  user: string,
): Promise<DynamoItem[]> {
  return queryAll(doc, {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
    ExpressionAttributeValues: {
      ':pk': userKey(user),
      ':prefix': REGISTRATION_SORT_PREFIX,
    },
    ConsistentRead: true,
  });
}

/** A condition on a DeleteItem: expression plus its names and values. */
export interface DeleteCondition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Deletes one registration, only when `condition` holds if one is given.
 * Returns true when an item was removed, false when none existed or the
 * condition failed.
 */
export async function deleteRegistrationItem(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: { user: string; deviceToken: string },
  condition?: DeleteCondition,
): Promise<boolean> {
  const command = new DeleteCommand({
    TableName: tableName,
    Key: registrationKey(key.user, key.deviceToken),
    ReturnValues: 'ALL_OLD',
    ...(condition && {
      ConditionExpression: condition.expression,
      ExpressionAttributeNames: condition.names,
      ExpressionAttributeValues: condition.values,
    }),
  });

  try {
    const result = await doc.send(command);
    return result.Attributes !== undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return false;
    }
    throw error;
  }
}

/** Returns true when DynamoDB rejected the request because its condition failed. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}
