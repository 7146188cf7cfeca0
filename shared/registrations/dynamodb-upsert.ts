import {
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { tokenPrefix } from '../log/logger.js';
import {
  type DynamoItem,
  fromRegistrationItem,
  toRegistrationItem,
} from './dynamodb-item.js';
import { isConditionFailure } from './dynamodb-requests.js';
import { PARTITION_KEY, registrationKey, SORT_KEY } from './dynamodb-schema.js';
import {
  REGISTRATION_TTL_MS,
  type Registration,
  type RegistrationInput,
} from './types.js';

/** Rounds of refresh-then-replace before giving up on a row that keeps changing. */
const WRITE_ATTEMPTS = 3;

/**
 * Writes a registration: refreshes a live row (keeping its createdAt), creates
 * a missing one, or replaces an expired one that DynamoDB's TTL has not removed
 * yet (createdAt restarts). Each step is one conditional write of the whole row,
 * so concurrent upserts of one device leave the last writer's complete row.
 */
export async function writeRegistration(
  doc: DynamoDBDocumentClient,
  tableName: string,
  input: RegistrationInput,
  now: number,
): Promise<Registration> {
  const times = { createdAt: now, updatedAt: now, expiresAt: now + REGISTRATION_TTL_MS };
  const item = toRegistrationItem(input, times);

  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const refreshed = await refreshOrCreate(doc, tableName, input, item, now);
    if (refreshed) {
      return refreshed;
    }
    if (await replaceExpired(doc, tableName, item, now)) {
      return fromRegistrationItem(item);
    }
  }

  throw new Error(
    `registration of user '${input.user}', device ${tokenPrefix(input.deviceToken)} ` +
      `changed during ${WRITE_ATTEMPTS} write attempts: retry the registration`,
  );
}

/** Updates or creates the row, or returns undefined when an expired row is in the way. */
async function refreshOrCreate(
  doc: DynamoDBDocumentClient,
  tableName: string,
  input: RegistrationInput,
  item: DynamoItem,
  now: number,
): Promise<Registration | undefined> {
  const names: Record<string, string> = {
    '#pk': PARTITION_KEY,
    '#createdAt': 'createdAt',
  };
  const values: Record<string, unknown> = { ':now': now, ':createdAt': item.createdAt };
  const assignments = ['#createdAt = if_not_exists(#createdAt, :createdAt)'];

  const skipped = new Set([PARTITION_KEY, SORT_KEY, 'createdAt']);
  const fields = Object.entries(item).filter(([name]) => !skipped.has(name));
  for (const [index, [name, value]] of fields.entries()) {
    names[`#f${index}`] = name;
    values[`:f${index}`] = value;
    assignments.push(`#f${index} = :f${index}`);
  }
  names['#expiresAtMs'] = 'expiresAtMs';

  try {
    const result = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: registrationKey(input.user, input.deviceToken),
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAtMs > :now',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes ? fromRegistrationItem(result.Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) {
      return undefined;
    }
    throw error;
  }
}

/** Overwrites the row only while it is still expired, and returns whether it did. */
async function replaceExpired(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: DynamoItem,
  now: number,
): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: '#expiresAtMs <= :now',
        ExpressionAttributeNames: { '#expiresAtMs': 'expiresAtMs' },
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) {
      return false;
    }
    throw error;
  }
}
