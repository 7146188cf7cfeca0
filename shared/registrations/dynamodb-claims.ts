import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PushClaim, PushClaimKey, PushClaims } from '../push/claims.js';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './dynamodb-schema.js';

/*
 * Claim items in the registrations table:
 *
 *   pk  CLAIM#<eventId>   sk  TOKEN#<deviceToken>#USER#<user>
 *   claimId (owner of the claim), claimedAtMs, expiresAt (TTL, epoch seconds)
 *
 * They carry no deviceToken, user or listing attribute, so neither secondary index
 * contains them. The token comes first in the sort key because it is hex and never
 * contains '#', so the key stays unambiguous for any username.
 */

/**
 * How long a claim lasts: a day, longer than the 6 hours for which Lambda retries an
 * asynchronous invocation at most (AWS Lambda developer guide, maximum event age).
 */
export const DEFAULT_CLAIM_TTL_SECONDS = 24 * 60 * 60;

const CLAIM_PREFIX = 'CLAIM#';

export interface DynamoDbPushClaimsOptions {
  /** The registrations table, laid out as dynamodb-schema.ts describes. */
  tableName: string;
  /** Client that the caller owns and destroys. */
  client: DynamoDBClient;
  /** Seconds a claim blocks further pushes of its event to its device; default one day. */
  ttlSeconds?: number;
}

/** Returns the primary key of the claim of one push. */
export function claimItemKey(key: PushClaimKey): Record<string, string> {
  return {
    [PARTITION_KEY]: `${CLAIM_PREFIX}${key.eventId}`,
    [SORT_KEY]: `TOKEN#${key.deviceToken}#USER#${key.user}`,
  };
}

/**
 * Push claims as expiring items in the registrations table. A claim is one conditional
 * PutItem, so of two deliveries racing for the same device exactly one wins. Expired
 * claims count as free, since DynamoDB deletes expired items only within about two
 * days (AWS DynamoDB developer guide) and emulators never do.
 */
export class DynamoDbPushClaims implements PushClaims {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #ttlSeconds: number;

  constructor(options: DynamoDbPushClaimsOptions) {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS;
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new Error(
        `claim ttlSeconds ${ttlSeconds} is invalid: expected a whole number of at least 1`,
      );
    }
    this.#ttlSeconds = ttlSeconds;
    this.#table = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client);
  }

  async claim(key: PushClaimKey, now: number): Promise<PushClaim | undefined> {
    const itemKey = claimItemKey(key);
    const claimId = randomUUID();
    const nowSeconds = Math.floor(now / 1000);

    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...itemKey,
            claimId,
            claimedAtMs: now,
            [TTL_ATTRIBUTE]: nowSeconds + this.#ttlSeconds,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt <= :now',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#expiresAt': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return undefined;
      }
      throw error;
    }
    return { release: () => this.#release(itemKey, claimId) };
  }

  /** Deletes the claim only while it is still this owner's. */
  async #release(itemKey: Record<string, string>, claimId: string): Promise<boolean> {
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: itemKey,
          ConditionExpression: '#claimId = :claimId',
          ExpressionAttributeNames: { '#claimId': 'claimId' },
          ExpressionAttributeValues: { ':claimId': claimId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return false;
      }
      throw error;
    }
  }
}
