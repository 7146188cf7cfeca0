import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { tokenPrefix } from '../log/logger.js';
import {
  type DynamoItem,
  fromRegistrationItem,
  fromWireItem,
  itemExpiresAtMs,
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

/** Outcome of writeRegistration: the stored row and whether this call wrote it. */
export interface WriteOutcome {
  /** The stored registration: the one just written, or the newer one kept. */
  registration: Registration;
  /** False when a live row with a later updatedAt was kept unchanged. */
  written: boolean;
}

/** Outcome of refreshOrCreate: its own write, a newer row it kept, or an expired row. */
type RefreshResult =
  | { kind: 'written' | 'newer'; registration: Registration }
  | { kind: 'expired' };

/**
 * Writes a registration: refreshes a live row (keeping its createdAt), creates
 * a missing one, or replaces an expired one that DynamoDB's TTL has not removed
 * yet (createdAt restarts). A live row with a later updatedAt is kept, so a
 * replayed older write never overwrites a newer one. Each step is one conditional
 * write of the whole row, so concurrent upserts leave the complete latest row.
 */
export async function writeRegistration(
  doc: DynamoDBDocumentClient,
  tableName: string,
  input: RegistrationInput,
  now: number,
): Promise<WriteOutcome> {
  const times = { createdAt: now, updatedAt: now, expiresAt: now + REGISTRATION_TTL_MS };
  const item = toRegistrationItem(input, times);

  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const result = await refreshOrCreate(doc, tableName, input, item, now);
    if (result.kind !== 'expired') {
      return { registration: result.registration, written: result.kind === 'written' };
    }
    if (await replaceExpired(doc, tableName, item, now)) {
      return { registration: fromRegistrationItem(item), written: true };
    }
  }

  throw new Error(
    `registration of user '${input.user}', device ${tokenPrefix(input.deviceToken)} ` +
      `changed during ${WRITE_ATTEMPTS} write attempts: retry the registration`,
  );
}

/**
 * Updates or creates the row unless it is expired or live with a later updatedAt.
 * A failed condition returns the stored row, which shows which of the two cases it is.
 */
async function refreshOrCreate(
  doc: DynamoDBDocumentClient,
  tableName: string,
  input: RegistrationInput,
  item: DynamoItem,
  now: number,
): Promise<RefreshResult> {
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
  names['#updatedAt'] = 'updatedAt';

  try {
    const result = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: registrationKey(input.user, input.deviceToken),
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression:
          'attribute_not_exists(#pk) OR (#expiresAtMs > :now AND #updatedAt <= :now)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (result.Attributes === undefined) {
      throw new Error(
        `DynamoDB returned no attributes for the registration of user '${input.user}', ` +
          `device ${tokenPrefix(input.deviceToken)}, though the update asked for ` +
          'ALL_NEW: check that the endpoint is DynamoDB or a faithful emulator',
      );
    }
    return { kind: 'written', registration: fromRegistrationItem(result.Attributes) };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return keptOrExpired(error, now);
    }
    throw error;
  }
}

/** Reads the row a failed refresh returned: newer and live, or expired. */
function keptOrExpired(
  error: ConditionalCheckFailedException,
  now: number,
): RefreshResult {
  // Without the row (an emulator that ignores ReturnValuesOnConditionCheckFailure)
  // the replace still writes only an expired row; over a newer one the retries run out.
  const stored = error.Item === undefined ? undefined : fromWireItem(error.Item);
  if (stored === undefined || itemExpiresAtMs(stored) <= now) {
    return { kind: 'expired' };
  }
  return { kind: 'newer', registration: fromRegistrationItem(stored) };
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
