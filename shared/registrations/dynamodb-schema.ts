import type {
  CreateTableCommandInput,
  TimeToLiveSpecification,
} from '@aws-sdk/client-dynamodb';

/*
 * Single-table layout of the registrations. The DynamoDB adapter and the test
 * table helper read it from here, and a deployment template must declare the same.
 *
 *   item          pk               sk                  other keys
 *   registration  USER#<user>      TOKEN#<deviceToken> deviceToken, user, listing
 *
 * Other item kinds (credential config, de-duplication claims) use other pk
 * prefixes and never carry deviceToken or listing, so both indexes stay sparse:
 * - DEVICE_TOKEN_INDEX (deviceToken, user), all attributes: the 410 cleanup.
 * - USERS_INDEX (listing, user), keys and expiresAtMs: listUsers reads one index
 *   entry per registration instead of scanning every item of the table.
 */

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const DEVICE_TOKEN_INDEX = 'byDeviceToken';
export const USERS_INDEX = 'byListing';

/**
 * Constant partition value of USERS_INDEX. DynamoDB serves about 1,000 writes per second
 * per partition key value (AWS DynamoDB developer guide), far above daily refreshes.
 */
export const REGISTRATION_LISTING = 'REGISTRATION';

/** TTL attribute in epoch seconds, the unit DynamoDB's TTL reads. */
export const TTL_ATTRIBUTE = 'expiresAt';

const USER_PREFIX = 'USER#';
const TOKEN_PREFIX = 'TOKEN#';

/** Returns the partition key value of a user's items. */
export function userKey(user: string): string {
  return `${USER_PREFIX}${user}`;
}

/** Returns the sort key value of one device's registration. */
export function tokenKey(deviceToken: string): string {
  return `${TOKEN_PREFIX}${deviceToken}`;
}

/** Sort key prefix that selects a user's registrations and no other item of the user. */
export const REGISTRATION_SORT_PREFIX = TOKEN_PREFIX;

/** Returns the primary key of one registration item. */
export function registrationKey(
  user: string,
  deviceToken: string,
): Record<string, string> {
  return { [PARTITION_KEY]: userKey(user), [SORT_KEY]: tokenKey(deviceToken) };
}

/** Builds the CreateTable request of the registrations table (on-demand billing). */
export function registrationTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: PARTITION_KEY, AttributeType: 'S' },
      { AttributeName: SORT_KEY, AttributeType: 'S' },
      { AttributeName: 'deviceToken', AttributeType: 'S' },
      { AttributeName: 'user', AttributeType: 'S' },
      { AttributeName: 'listing', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: DEVICE_TOKEN_INDEX,
        KeySchema: [
          { AttributeName: 'deviceToken', KeyType: 'HASH' },
          { AttributeName: 'user', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: USERS_INDEX,
        KeySchema: [
          { AttributeName: 'listing', KeyType: 'HASH' },
          { AttributeName: 'user', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['expiresAtMs'] },
      },
    ],
  };
}

/** Returns the TTL setting of the registrations table. */
export function registrationTimeToLive(): TimeToLiveSpecification {
  return { AttributeName: TTL_ATTRIBUTE, Enabled: true };
}
