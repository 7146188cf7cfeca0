import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { credentialConfigItem } from '../../../shared/credentials/credential-config-item.js';
import type { RotationStep } from '../../../shared/credentials/rotation/rotation-types.js';
import type { StepResult } from '../../../shared/credentials/rotation/run-step.js';
import { UPLOADED_LABEL } from '../../../shared/credentials/rotation/secret-versions.js';
import { readCredentialConfig } from '../../../shared/credentials/secret-store.js';
import type {
  CredentialConfig,
  StoredCredential,
  StoredDeveloperCertificate,
} from '../../../shared/credentials/stored-credential.js';
import {
  type ApnsHarness,
  startApnsHarness,
} from '../../support/apns-standin-harness.js';
import { awsClientSettings } from '../../support/aws-env.js';
import {
  createTestTable,
  type TestTable,
  uniqueResourceName,
} from '../../support/aws-resources.js';
import {
  createTempDir,
  issuePushCertificate,
  type PushCertificateOptions,
  type TempDir,
  type TestPki,
} from '../../support/pki.js';

/**
 * The rotation function run in-process against the emulator. Moto cannot run a rotation
 * Lambda, so tests play Secrets Manager: they create the secret and its labelled
 * versions, then invoke the handler once per step with the event it would send.
 */
export interface RotationHarness {
  apns: ApnsHarness;
  table: TestTable;
  secrets: SecretsManagerClient;
  /** Creates a secret whose first version (AWSCURRENT) is `credential`, and its config item. */
  newSecret(
    credential: StoredCredential,
  ): Promise<{ secretId: string; versionId: string }>;
  /** Stores `credential` under XAPS_UPLOADED, as a later import does. */
  upload(secretId: string, credential: StoredCredential): Promise<string>;
  stages(secretId: string): Promise<Record<string, string[]>>;
  config(): Promise<CredentialConfig | undefined>;
  /** Invokes the handler for one step, as Secrets Manager would. */
  step(step: RotationStep, secretId: string, token: string): Promise<StepResult>;
  /** Runs the four steps in order for `token`. */
  rotate(secretId: string, token?: string): Promise<StepResult[]>;
  /** A developer certificate the stand-in accepts, for a fresh topic unless given. */
  developer(options?: PushCertificateOptions): StoredDeveloperCertificate;
  /** Makes the next step read the function's settings from the environment again. */
  reloadSettings(): void;
  close(): Promise<void>;
}

/** Builds the stored form of a push certificate issued by `apns`'s test CA. */
export function developerCredential(
  apns: ApnsHarness,
  options: PushCertificateOptions = {},
): StoredDeveloperCertificate {
  const topic = options.topic ?? `com.apple.mobilemail.push.com.example.${randomUUID()}`;
  const identity = issuePushCertificate(apns.pki.ca, {
    validDays: 365,
    ...options,
    topic,
  });
  return {
    formatVersion: 1,
    kind: 'developer-certificate',
    topic,
    environment: 'production',
    notAfter: new Date(
      Date.now() + (options.validDays ?? 365) * 86_400_000,
    ).toISOString(),
    storedAt: new Date().toISOString(),
    certPem: identity.certPem,
    keyPem: identity.keyPem,
  };
}

export interface RotationHarnessOptions {
  /** Settings added to the function's environment, such as XServer renewal. */
  env?: Record<string, string>;
  /** The PKI the APNs stand-in trusts; default one made for the test file. */
  pki?: TestPki;
}

/**
 * Starts the APNs stand-in, creates a table, points the rotation function's settings at
 * both and loads its handler module.
 */
export async function startRotationHarness(
  label: string,
  options: RotationHarnessOptions = {},
): Promise<RotationHarness> {
  const apns = await startApnsHarness(
    ...(options.pki === undefined ? [] : [options.pki]),
  );
  const table = await createTestTable(label);
  const secrets = new SecretsManagerClient(awsClientSettings());
  const temp: TempDir = await createTempDir('xaps-rotation-');
  const caFile = join(temp.path, 'apns-ca.pem');
  await writeFile(caFile, apns.pki.ca.certPem);
  Object.assign(process.env, {
    XAPS_TABLE_NAME: table.tableName,
    XAPS_CREDENTIAL_SECRET_ID: 'unused-the-event-names-the-secret',
    XAPS_APNS_ENDPOINT: apns.standin.url,
    XAPS_APNS_CA: caFile,
    XAPS_LOG_LEVEL: 'ERROR',
    ...options.env,
  });
  const { handler } = await import('../../../functions/rotate-credential/handler.js');
  const { closeRotationRuntime } = await import(
    '../../../functions/rotate-credential/runtime.js'
  );
  const created: string[] = [];

  const harness: RotationHarness = {
    apns,
    table,
    secrets,
    async newSecret(credential) {
      const response = await secrets.send(
        new CreateSecretCommand({
          Name: uniqueResourceName(label),
          SecretString: JSON.stringify(credential),
        }),
      );
      const secretId = response.ARN ?? '';
      created.push(secretId);
      await writeConfig(
        table.client,
        table.tableName,
        credential,
        response.VersionId ?? '',
      );
      return { secretId, versionId: response.VersionId ?? '' };
    },
    async upload(secretId, credential) {
      const response = await secrets.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          SecretString: JSON.stringify(credential),
          VersionStages: [UPLOADED_LABEL],
        }),
      );
      return response.VersionId ?? '';
    },
    async stages(secretId) {
      const response = await secrets.send(
        new DescribeSecretCommand({ SecretId: secretId }),
      );
      return response.VersionIdsToStages ?? {};
    },
    config: () => readCredentialConfig(table.client, table.tableName),
    step: (step, secretId, token) =>
      handler(
        { Step: step, SecretId: secretId, ClientRequestToken: token },
        lambdaContext(),
      ),
    async rotate(secretId, token = randomUUID()) {
      const results: StepResult[] = [];
      for (const step of [
        'createSecret',
        'setSecret',
        'testSecret',
        'finishSecret',
      ] as const) {
        results.push(await harness.step(step, secretId, token));
      }
      return results;
    },
    developer: (options) => developerCredential(apns, options),
    reloadSettings: () => closeRotationRuntime(),
    async close() {
      closeRotationRuntime();
      for (const secretId of created) {
        await secrets.send(
          new DeleteSecretCommand({
            SecretId: secretId,
            ForceDeleteWithoutRecovery: true,
          }),
        );
      }
      secrets.destroy();
      await apns.close();
      await table.dispose();
      await temp.remove();
    },
  };
  return harness;
}

/** Writes the config item for `credential` as an import would. */
export async function writeConfig(
  client: DynamoDBClient,
  tableName: string,
  credential: StoredCredential,
  versionId: string,
): Promise<void> {
  const config: CredentialConfig = {
    topic: credential.topic,
    kind: credential.kind,
    environment: credential.environment,
    notAfter: credential.notAfter,
    secretVersionId: versionId,
    updatedAt: new Date().toISOString(),
  };
  await DynamoDBDocumentClient.from(client).send(
    new PutCommand({ TableName: tableName, Item: credentialConfigItem(config) }),
  );
}

/** Returns the version ids that carry `label`. */
export function holders(stages: Record<string, string[]>, label: string): string[] {
  return Object.keys(stages).filter((id) => stages[id]?.includes(label) === true);
}

/** Builds a Lambda context with the fields Powertools and middy read. */
export function lambdaContext() {
  return {
    functionName: 'xaps-rotate-credential',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:xaps-rotate',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/xaps-rotate-credential',
    logStreamName: `2026/12/04/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 120_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
