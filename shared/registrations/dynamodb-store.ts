import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { compareMostRecentFirst, enforceDeviceCap } from './dynamodb-cap.js';
import { fromRegistrationItem, itemExpiresAtMs } from './dynamodb-item.js';
import {
  deleteRegistrationItem,
  queryAll,
  queryUserRegistrations,
} from './dynamodb-requests.js';
import {
  DEVICE_TOKEN_INDEX,
  REGISTRATION_LISTING,
  USERS_INDEX,
} from './dynamodb-schema.js';
import { writeRegistration } from './dynamodb-upsert.js';
import {
  DEFAULT_MAX_DEVICES_PER_USER,
  type Registration,
  type RegistrationInput,
  type RegistrationStore,
  type UpsertResult,
} from './types.js';

export interface DynamoDbRegistrationStoreOptions {
  /** Table laid out as dynamodb-schema.ts describes. */
  tableName: string;
  /** Client that the caller owns and destroys. Without it, the store creates its own. */
  client?: DynamoDBClient;
  /** Endpoint of the store's own client, e.g. an emulator. Default: the SDK's. */
  endpoint?: string;
  /** Region of the store's own client. Default: the SDK's resolution. */
  region?: string;
  /** Maximum registrations per user, evicting the least recently registered. Default 20. */
  maxDevicesPerUser?: number;
}

// Expired rows stay until DynamoDB's TTL removes them, within about two days (AWS
// DynamoDB developer guide), and moto never removes them. So every read filters.
const LIVE = '#expiresAtMs > :now';

/** Registration store on one DynamoDB table, for the AWS deployment. */
export class DynamoDbRegistrationStore implements RegistrationStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #ownedClient: DynamoDBClient | undefined;
  readonly #table: string;
  readonly #cap: number;

  constructor(options: DynamoDbRegistrationStoreOptions) {
    this.#cap = checkCap(options.maxDevicesPerUser ?? DEFAULT_MAX_DEVICES_PER_USER);
    this.#table = options.tableName;
    const client = options.client ?? ownClient(options);
    this.#ownedClient = options.client ? undefined : client;
    this.#doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async upsert(input: RegistrationInput, now = Date.now()): Promise<UpsertResult> {
    const { registration, written } = await writeRegistration(
      this.#doc,
      this.#table,
      input,
      now,
    );
    if (!written) {
      return { registration, evicted: [] };
    }
    const evicted = await enforceDeviceCap(this.#doc, this.#table, {
      user: input.user,
      deviceToken: input.deviceToken,
      cap: this.#cap,
      now,
    });
    return { registration, evicted };
  }

  async listByUser(user: string, now = Date.now()): Promise<Registration[]> {
    const items = await queryUserRegistrations(this.#doc, this.#table, user);
    return items
      .filter((item) => itemExpiresAtMs(item) > now)
      .map(fromRegistrationItem)
      .sort(compareMostRecentFirst);
  }

  /** Reads the device token index, which DynamoDB updates eventually (not strongly). */
  async listByDeviceToken(
    deviceToken: string,
    now = Date.now(),
  ): Promise<Registration[]> {
    const items = await queryAll(this.#doc, {
      TableName: this.#table,
      IndexName: DEVICE_TOKEN_INDEX,
      KeyConditionExpression: '#deviceToken = :deviceToken',
      FilterExpression: LIVE,
      ExpressionAttributeNames: {
        '#deviceToken': 'deviceToken',
        '#expiresAtMs': 'expiresAtMs',
      },
      ExpressionAttributeValues: { ':deviceToken': deviceToken, ':now': now },
    });
    return items.map(fromRegistrationItem);
  }

  /**
   * Reads one index entry per registration (an estimated 200 bytes with 64-character
   * tokens) and none of the table's other items, so cost grows with registrations only.
   */
  async listUsers(now = Date.now()): Promise<string[]> {
    const items = await queryAll(this.#doc, {
      TableName: this.#table,
      IndexName: USERS_INDEX,
      KeyConditionExpression: '#listing = :listing',
      FilterExpression: LIVE,
      ProjectionExpression: '#user',
      ExpressionAttributeNames: {
        '#listing': 'listing',
        '#user': 'user',
        '#expiresAtMs': 'expiresAtMs',
      },
      ExpressionAttributeValues: { ':listing': REGISTRATION_LISTING, ':now': now },
    });

    // The index sorts by user, so a user's registrations are adjacent.
    const users: string[] = [];
    for (const item of items) {
      const user = item.user;
      if (typeof user === 'string' && users[users.length - 1] !== user) {
        users.push(user);
      }
    }
    return users;
  }

  async delete(user: string, deviceToken: string): Promise<boolean> {
    return deleteRegistrationItem(this.#doc, this.#table, { user, deviceToken });
  }

  /** One conditional DeleteItem, so a registration refreshed after `since` survives. */
  async deleteIfNotRefreshedSince(
    user: string,
    deviceToken: string,
    since: number,
  ): Promise<boolean> {
    return deleteRegistrationItem(
      this.#doc,
      this.#table,
      { user, deviceToken },
      {
        expression: '#updatedAt <= :since',
        names: { '#updatedAt': 'updatedAt' },
        values: { ':since': since },
      },
    );
  }

  async deleteByUser(user: string): Promise<number> {
    const items = await queryUserRegistrations(this.#doc, this.#table, user);
    const removed = await Promise.all(
      items
        .map((item) => item.deviceToken)
        .filter((token): token is string => typeof token === 'string')
        .map((deviceToken) =>
          deleteRegistrationItem(this.#doc, this.#table, { user, deviceToken }),
        ),
    );
    return removed.filter(Boolean).length;
  }

  async close(): Promise<void> {
    this.#ownedClient?.destroy();
  }
}

function ownClient(options: DynamoDbRegistrationStoreOptions): DynamoDBClient {
  return new DynamoDBClient({
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    ...(options.region !== undefined && { region: options.region }),
  });
}

function checkCap(cap: number): number {
  if (!Number.isSafeInteger(cap) || cap < 1) {
    throw new Error(
      `maxDevicesPerUser ${cap} is invalid: expected a whole number of at least 1`,
    );
  }
  return cap;
}
