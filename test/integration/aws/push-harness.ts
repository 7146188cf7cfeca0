import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import { credentialConfigItem } from '../../../shared/credentials/credential-config-item.js';
import type { StoredCredential } from '../../../shared/credentials/stored-credential.js';
import type { PushBatchSummary } from '../../../shared/push/push-events.js';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import type { RegistrationInput } from '../../../shared/registrations/types.js';
import type { StandinTokenAuth } from '../../support/apns-standin.js';
import {
  type ApnsHarness,
  type ApnsHarnessOptions,
  startApnsHarness,
} from '../../support/apns-standin-harness.js';
import {
  TEST_KEY_ID,
  TEST_TEAM_ID,
  TEST_TOKEN_TOPIC,
} from '../../support/apns-standin-token-harness.js';
import {
  createTestSecret,
  createTestTable,
  type TestSecret,
  type TestTable,
} from '../../support/aws-resources.js';
import {
  createTempDir,
  generateTokenKey,
  type PushIdentity,
  type TempDir,
  type TestTokenKey,
} from '../../support/pki.js';
import { registrationInput } from '../../support/registrations-fixtures.js';

/**
 * The push function run in-process against the emulator: its own table and secret,
 * the APNs stand-in on loopback, and the handler module loaded after the environment
 * points it at all three. Module-scope state (clients, credential, APNs session) lives
 * as long as the test file, like a warm Lambda container.
 */
export interface PushFunction {
  table: TestTable;
  secret: TestSecret;
  apns: ApnsHarness;
  /** The key the stand-in trusts, with the tokenKey option. */
  tokenKey: TestTokenKey | undefined;
  store: DynamoDbRegistrationStore;
  /** Invokes the middy handler with a fake Lambda context. */
  invoke(event: unknown): Promise<PushBatchSummary>;
  /** Stores a registration under the credential's topic unless overridden. */
  register(
    overrides?: Partial<RegistrationInput>,
    now?: number,
  ): Promise<RegistrationInput>;
  /** Stores `credential` as a new secret version and points the config item at it. */
  storeCredential(credential: StoredCredential): Promise<string>;
  /** EMF metric documents the handler printed, newest last. */
  metricDocuments(): Record<string, unknown>[];
  /** Every other line the handler wrote to stdout or stderr (its log lines), in order. */
  logLines(): string[];
  close(): Promise<void>;
}

export interface PushFunctionOptions {
  /** XAPS_LOG_LEVEL of the handler; default ERROR. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Keeps the log lines out of the test output (logLines() still has them). */
  quietLogs?: boolean;
  /**
   * Starts the stand-in in bearer-token mode, trusting one fresh P-256 key for
   * TEST_TOKEN_TOPIC, and stores that key as the first credential.
   */
  tokenKey?: boolean;
}

/** Builds the stored form of a test token key with the stand-in's Key ID and Team ID. */
export function storedTokenKey(
  key: TestTokenKey,
  topic: string = TEST_TOKEN_TOPIC,
): StoredCredential {
  return {
    formatVersion: 1,
    kind: 'token-key',
    topic,
    environment: 'production',
    notAfter: null,
    storedAt: new Date().toISOString(),
    keyPem: key.keyPem,
    keyId: TEST_KEY_ID,
    teamId: TEST_TEAM_ID,
  };
}

/** Builds the stand-in options of the token mode for a fresh key. */
function tokenMode(key: TestTokenKey): ApnsHarnessOptions {
  const tokenAuth: StandinTokenAuth = {
    keys: [
      {
        keyId: TEST_KEY_ID,
        teamId: TEST_TEAM_ID,
        publicKeyPem: key.publicKeyPem,
        topics: [TEST_TOKEN_TOPIC],
      },
    ],
  };
  return { tokenAuth, topic: TEST_TOKEN_TOPIC };
}

/** Builds the stored form of a test push certificate. */
export function developerCertificate(identity: PushIdentity): StoredCredential {
  return {
    formatVersion: 1,
    kind: 'developer-certificate',
    topic: identity.topic ?? '',
    environment: 'production',
    notAfter: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    storedAt: new Date().toISOString(),
    certPem: identity.certPem,
    keyPem: identity.keyPem,
  };
}

/** Starts the stand-in, creates the table and secret, and loads the handler module. */
export async function startPushFunction(
  label: string,
  options: PushFunctionOptions = {},
): Promise<PushFunction> {
  const tokenKey = options.tokenKey === true ? generateTokenKey() : undefined;
  const apns = await startApnsHarness(
    undefined,
    tokenKey === undefined ? {} : tokenMode(tokenKey),
  );
  const table = await createTestTable(label);
  const initial =
    tokenKey === undefined
      ? developerCertificate(apns.pki.client)
      : storedTokenKey(tokenKey);
  const secret = await createTestSecret(label, JSON.stringify(initial));
  const doc = DynamoDBDocumentClient.from(table.client);
  const tempDir: TempDir = await createTempDir('xaps-push-fn-');
  const caFile = join(tempDir.path, 'apns-test-ca.pem');
  await writeFile(caFile, apns.pki.ca.certPem);

  const writeConfig = async (credential: StoredCredential, versionId: string) => {
    const config = {
      ...credential,
      secretVersionId: versionId,
      updatedAt: new Date().toISOString(),
    };
    await doc.send(
      new PutCommand({ TableName: table.tableName, Item: credentialConfigItem(config) }),
    );
  };
  await writeConfig(initial, secret.firstVersionId);

  Object.assign(process.env, {
    XAPS_TABLE_NAME: table.tableName,
    XAPS_CREDENTIAL_SECRET_ID: secret.secretId,
    XAPS_APNS_ENDPOINT: apns.standin.url,
    XAPS_APNS_CA: caFile,
    XAPS_LOG_LEVEL: options.logLevel ?? 'ERROR',
  });
  const { metricLines, logLines } = captureOutput(options.quietLogs ?? false);
  const { handler } = await import('../../../functions/push/handler.js');
  const { closePushRuntime } = await import('../../../functions/push/runtime.js');
  const store = new DynamoDbRegistrationStore({
    client: table.client,
    tableName: table.tableName,
  });

  return {
    table,
    secret,
    apns,
    tokenKey,
    store,
    invoke: (event) => handler(event, fakeLambdaContext()),
    async register(overrides = {}, now = Date.now()) {
      const input = registrationInput({ topic: apns.topic, ...overrides });
      await store.upsert(input, now);
      return input;
    },
    async storeCredential(credential) {
      const versionId = await secret.putValue(JSON.stringify(credential));
      await writeConfig(credential, versionId);
      return versionId;
    },
    metricDocuments: () =>
      metricLines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logLines: () => [...logLines],
    async close() {
      vi.restoreAllMocks();
      await closePushRuntime();
      await apns.close();
      await store.close();
      await secret.dispose();
      await table.dispose();
      await tempDir.remove();
    },
  };
}

/**
 * Keeps the CloudWatch EMF lines the Metrics utility writes to stdout, and hides them.
 * Keeps every other line written to stdout or stderr too, and passes it on unless quiet.
 */
function captureOutput(quiet: boolean): { metricLines: string[]; logLines: string[] } {
  const metricLines: string[] = [];
  const logLines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
      const text = typeof chunk === 'string' ? chunk : String(chunk);
      const lines = text.split('\n').filter((line) => line !== '');
      metricLines.push(...lines.filter((line) => line.includes('"_aws"')));
      logLines.push(...lines.filter((line) => !line.includes('"_aws"')));
      if (quiet || text.includes('"_aws"')) {
        return true;
      }
      return write(chunk as string, ...rest);
    }) as typeof stream.write);
  }
  return { metricLines, logLines };
}

/** Builds a Lambda context with the fields Powertools and middy read. */
function fakeLambdaContext() {
  return {
    functionName: 'xaps-push',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:xaps-push',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/xaps-push',
    logStreamName: `2026/11/30/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
