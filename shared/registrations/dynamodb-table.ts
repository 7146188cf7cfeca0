import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import {
  registrationTableDefinition,
  registrationTimeToLive,
} from './dynamodb-schema.js';

/** Seconds to wait for a table to become active or to disappear. */
const TABLE_WAIT_SECONDS = 60;

/**
 * Creates the registrations table with its indexes and TTL, and waits until it
 * is active. For tests and local setups: deployments create it from the template.
 */
export async function createRegistrationTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  await client.send(new CreateTableCommand(registrationTableDefinition(tableName)));
  await waitUntilTableExists(
    { client, maxWaitTime: TABLE_WAIT_SECONDS, minDelay: 1, maxDelay: 2 },
    { TableName: tableName },
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: registrationTimeToLive(),
    }),
  );
}

/** Deletes a table and waits until it is gone. */
export async function deleteRegistrationTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilTableNotExists(
    { client, maxWaitTime: TABLE_WAIT_SECONDS, minDelay: 1, maxDelay: 2 },
    { TableName: tableName },
  );
}
