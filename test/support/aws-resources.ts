import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll } from 'vitest';
import {
  createRegistrationTable,
  deleteRegistrationTable,
} from '../../shared/registrations/dynamodb-table.js';
import { awsClientSettings } from './aws-env.js';

/*
 * Each test file makes its own uniquely named resources and deletes them at
 * the end, so files run in parallel against one emulator with no global reset.
 * An SNS topic with a subscribed SQS queue has its helper in aws-topic-queue.ts.
 */

/** A registrations table that belongs to one test file. */
export interface TestTable {
  tableName: string;
  client: DynamoDBClient;
  /** Deletes the table and closes the client. */
  dispose(): Promise<void>;
}

/** Returns a resource name unique to one file and run: "xaps-test-store-1a2b3c4d5e6f". */
export function uniqueResourceName(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40);
  return `xaps-test-${safe}-${randomBytes(6).toString('hex')}`;
}

/** Creates a DynamoDB client aimed at the test emulator. */
export function createTestDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient(awsClientSettings());
}

/** Creates a registrations table with the production schema under a unique name. */
export async function createTestTable(label: string): Promise<TestTable> {
  const client = createTestDynamoDbClient();
  const tableName = uniqueResourceName(label);
  try {
    await createRegistrationTable(client, tableName);
  } catch (error) {
    client.destroy();
    throw error;
  }

  return {
    tableName,
    client,
    async dispose() {
      try {
        await deleteRegistrationTable(client, tableName);
      } finally {
        client.destroy();
      }
    },
  };
}

/**
 * Creates a table in beforeAll and deletes it in afterAll of the calling file.
 * Returns a getter, valid inside tests and hooks that run after beforeAll.
 */
export function useTestTable(label: string): () => TestTable {
  let table: TestTable | undefined;
  beforeAll(async () => {
    table = await createTestTable(label);
  });
  afterAll(async () => {
    await table?.dispose();
  });

  return () => {
    if (table === undefined) {
      throw new Error(
        `test table '${label}' is not ready: read it inside a test or a hook, not while collecting`,
      );
    }
    return table;
  };
}

/** A Secrets Manager secret that belongs to one test file. */
export interface TestSecret {
  /** The secret's name, usable as SecretId. */
  secretId: string;
  arn: string;
  /** Version id of the value the secret was created with (AWSCURRENT until the next put). */
  firstVersionId: string;
  client: SecretsManagerClient;
  /** Stores a new AWSCURRENT version and returns its version id. */
  putValue(secretString: string): Promise<string>;
  /** Deletes the secret at once (no recovery window) and closes the client. */
  dispose(): Promise<void>;
}

/** Creates a Secrets Manager client aimed at the test emulator. */
export function createTestSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient(awsClientSettings());
}

/** Creates a secret with a unique name and a first string value. */
export async function createTestSecret(
  label: string,
  secretString: string,
): Promise<TestSecret> {
  const client = createTestSecretsManagerClient();
  const secretId = uniqueResourceName(label);
  let created: { ARN?: string | undefined; VersionId?: string | undefined };
  try {
    created = await client.send(
      new CreateSecretCommand({ Name: secretId, SecretString: secretString }),
    );
  } catch (error) {
    client.destroy();
    throw error;
  }

  return {
    secretId,
    arn: created.ARN ?? secretId,
    firstVersionId: created.VersionId ?? '',
    client,
    async putValue(value) {
      const put = await client.send(
        new PutSecretValueCommand({ SecretId: secretId, SecretString: value }),
      );
      return put.VersionId ?? '';
    },
    async dispose() {
      try {
        await client.send(
          new DeleteSecretCommand({
            SecretId: secretId,
            ForceDeleteWithoutRecovery: true,
          }),
        );
      } finally {
        client.destroy();
      }
    },
  };
}
