import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll } from 'vitest';
import { awsClientSettings } from '../../support/aws-env.js';
import { uniqueResourceName, useTestTable } from '../../support/aws-resources.js';

/** An empty secret and a registrations table that belong to one test file. */
export interface CredentialTestTarget {
  secrets: SecretsManagerClient;
  tableName: string;
  /** Creates another empty secret (deleted with the file's others) and returns its ARN. */
  newSecret(): Promise<string>;
  /** Returns each version id of a secret with its staging labels. */
  stagesOf(secretId: string): Promise<Record<string, string[]>>;
}

/**
 * Creates the table in beforeAll and deletes it and every secret made through
 * `newSecret` in afterAll. Returns a getter valid inside tests and hooks.
 */
export function useCredentialTarget(label: string): () => CredentialTestTarget {
  const table = useTestTable(label);
  const created: string[] = [];
  let secrets: SecretsManagerClient | undefined;

  beforeAll(() => {
    secrets = new SecretsManagerClient(awsClientSettings());
  });
  afterAll(async () => {
    for (const secretId of created) {
      await secrets?.send(
        new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }),
      );
    }
    secrets?.destroy();
  });

  return () => {
    const client = secrets;
    if (client === undefined) {
      throw new Error(`credential target '${label}' is not ready: use it inside a test`);
    }
    return {
      secrets: client,
      tableName: table().tableName,
      async newSecret() {
        // Like the stack's secret: created without a value, so it starts with no version.
        const response = await client.send(
          new CreateSecretCommand({ Name: uniqueResourceName(label) }),
        );
        const arn = response.ARN ?? '';
        created.push(arn);
        return arn;
      },
      async stagesOf(secretId) {
        const response = await client.send(
          new DescribeSecretCommand({ SecretId: secretId }),
        );
        return response.VersionIdsToStages ?? {};
      },
    };
  };
}
