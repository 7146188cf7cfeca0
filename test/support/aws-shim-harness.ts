import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { credentialConfigItem } from '../../shared/credentials/credential-config-item.js';
import { type AwsMode, startAwsMode } from '../../shim/aws/aws-mode.js';
import { loadShimConfig } from '../../shim/config.js';
import { RecordingLogger } from '../unit/push/doubles.js';

/** An XServer-style topic, longer than the 51 bytes the Dovecot xaps plugin 2.3 needs. */
export const SHIM_TOPIC = 'com.apple.mail.XServer.2c9e4b1a-7d3f-4e8a-9b6c-1f0e2d3c4b5a';

/** The Dovecot xaps plugin's timeout for one request, in ms. */
export const PLUGIN_TIMEOUT_MS = 5000;

export interface AwsShimOptions {
  tableName: string;
  snsTopicArn: string;
  dataDir: string;
  /** AWS endpoint of both clients: the emulator, or a proxy in front of it. */
  endpoint: string;
  /** Further XAPS_* settings, e.g. XAPS_AWS_TIMEOUT_MS. */
  env?: Record<string, string>;
}

/** An AWS-mode shim running in this process on an ephemeral 127.0.0.1 port. */
export interface RunningAwsShim {
  mode: AwsMode;
  port: number;
  dataDir: string;
  logger: RecordingLogger;
  stop: () => Promise<void>;
}

/** Starts the AWS mode as `xaps serve` would, with short refresh and backoff times. */
export async function startAwsShim(options: AwsShimOptions): Promise<RunningAwsShim> {
  const config = loadShimConfig({
    XAPS_MODE: 'aws',
    XAPS_TABLE_NAME: options.tableName,
    XAPS_SNS_TOPIC_ARN: options.snsTopicArn,
    XAPS_DATA_DIR: options.dataDir,
    // Generous, so a busy test machine never turns a direct write into a spooled one.
    XAPS_AWS_TIMEOUT_MS: '2000',
    ...options.env,
  });
  config.listen = { host: '127.0.0.1', port: 0, loopback: true };
  const logger = new RecordingLogger();
  const mode = await startAwsMode(config, logger, {
    endpoint: options.endpoint,
    flushBackoffMs: { min: 50, max: 200 },
  });
  const port = Number(mode.address.split(':').pop());
  return { mode, port, dataDir: options.dataDir, logger, stop: mode.stop };
}

/** Writes the credential config item the way a credential import does. */
export async function putCredentialConfig(
  client: DynamoDBClient,
  tableName: string,
  topic: string = SHIM_TOPIC,
): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client);
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: credentialConfigItem({
        topic,
        kind: 'xserver-certificate',
        environment: 'production',
        notAfter: new Date(Date.now() + 300 * 86_400_000).toISOString(),
        secretVersionId: randomUUID(),
        updatedAt: new Date().toISOString(),
      }),
    }),
  );
}

/** Builds a /register body as the Dovecot xaps plugin sends it. */
export function registerBody(
  user: string,
  deviceToken: string,
  mailboxes: string[] = ['INBOX'],
): string {
  return JSON.stringify({
    ApsAccountId: randomUUID().toUpperCase(),
    ApsDeviceToken: deviceToken.toUpperCase(),
    ApsSubtopic: 'com.apple.mobilemail',
    Username: user,
    Mailboxes: mailboxes,
  });
}

/** Builds a /notify body as the Dovecot xaps plugin sends it. */
export function notifyBody(
  user: string,
  mailbox = 'INBOX',
  events = ['MessageNew'],
): string {
  return JSON.stringify({ Username: user, Mailbox: mailbox, Events: events });
}

/** One response of the shim, and how long it took. */
export interface ShimResponse {
  status: number;
  body: string;
  elapsedMs: number;
}

/** POSTs like the plugin, giving up after the plugin's own 5 s timeout. */
export async function post(
  port: number,
  path: string,
  body: string,
): Promise<ShimResponse> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body,
    signal: AbortSignal.timeout(PLUGIN_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, body: text, elapsedMs: performance.now() - started };
}

/** GETs /health and parses its JSON document. */
export async function getHealth(
  port: number,
): Promise<{ status: number; report: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}/health`, {
    signal: AbortSignal.timeout(PLUGIN_TIMEOUT_MS),
  });
  return {
    status: response.status,
    report: (await response.json()) as Record<string, unknown>,
  };
}

/** Polls until the check returns a value other than undefined, or throws after the timeout. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition still unmet after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
