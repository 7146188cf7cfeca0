import type { Server } from 'node:http';
import { join } from 'node:path';
import { readCredentialConfig } from '../../shared/credentials/secret-store.js';
import type { PushLogger } from '../../shared/push/types.js';
import { acquireServeLock } from '../../shared/registrations/data-dir-lock.js';
import { DynamoDbRegistrationStore } from '../../shared/registrations/dynamodb-store.js';
import { createUserMapping } from '../../shared/users/user-mapping.js';
import { buildShimContext } from '../build-context.js';
import type { ShimConfig } from '../config.js';
import type { ShimContext } from '../context.js';
import { prepareDataDir } from '../data-dir.js';
import { type Cleanup, closeServer, listenOn, once, runCleanups } from '../lifecycle.js';
import { createShimServer } from '../server.js';
import { type AwsClients, createAwsClients, destroyAwsClients } from './aws-clients.js';
import type { AwsShimSettings } from './aws-config.js';
import { type AwsShimParts, awsRoutes } from './aws-handlers.js';
import { AwsStatus } from './aws-status.js';
import { CredentialTopic } from './credential-topic.js';
import { withinDeadline } from './deadline.js';
import { KnownUsers } from './known-users.js';
import { MailboxEventPublisher } from './mailbox-event-publisher.js';
import { RegistrationSpool, SPOOL_FILE_NAME } from './registration-spool.js';
import { RegistrationWriter } from './registration-writer.js';
import { SpoolFlusher } from './spool-flusher.js';
import { WriteTracker } from './write-tracker.js';

/** Time a stop waits for queued publishes before closing the clients anyway. */
export const AWS_STOP_DRAIN_MS = 5_000;

/** A running `xaps serve` in AWS mode. */
export interface AwsMode {
  server: Server;
  context: ShimContext;
  aws: AwsShimParts;
  /** The address actually bound, e.g. [::1]:11619. */
  address: string;
  /** Stops accepting requests, finishes queued publishes (bounded), closes everything. */
  stop: () => Promise<void>;
}

export interface AwsModeOptions {
  /** Endpoint of both AWS clients instead of the SDK's choice, e.g. an emulator. */
  endpoint?: string;
  /** Backoff bounds of the spool flusher, in ms. */
  flushBackoffMs?: { min: number; max: number };
}

/**
 * Starts the AWS mode: registrations in DynamoDB (spooled in XAPS_DATA_DIR while
 * DynamoDB fails), /notify as events on the SNS topic, the topic from the credential
 * config item. AWS being unreachable at start delays nothing past one deadline.
 */
export async function startAwsMode(
  config: ShimConfig,
  logger: PushLogger,
  options: AwsModeOptions = {},
): Promise<AwsMode> {
  const settings = requireAwsSettings(config);
  // The spool contains full device tokens, like the local mode's registrations file.
  prepareDataDir(config.dataDir, logger);
  const cleanups: Cleanup[] = [acquireServeLock(config.dataDir)];

  try {
    const clients = createAwsClients(settings, options.endpoint);
    cleanups.unshift(() => destroyAwsClients(clients));
    const spool = new RegistrationSpool(join(config.dataDir, SPOOL_FILE_NAME));
    cleanups.unshift(() => spool.close());
    const store = new DynamoDbRegistrationStore({
      client: clients.dynamodb,
      tableName: settings.tableName,
      maxDevicesPerUser: config.core.maxDevicesPerUser,
    });

    // No credential: the context's push stays unset, and these routes never use it.
    const context = buildShimContext({
      store,
      logger,
      users: createUserMapping(config.core.users),
      dataDir: config.dataDir,
      notifyEvents: config.notifyEvents,
      sharedSecret: config.sharedSecret,
      pushQueueSize: config.pushQueueSize,
    });
    const aws = assembleParts({
      settings,
      clients,
      store,
      spool,
      context,
      logger,
      options,
    });
    cleanups.unshift(() => stopBackground(aws));
    await startBackground(aws, settings.timeoutMs);

    const server = createShimServer(context, awsRoutes(aws));
    const address = await listenOn(server, config.listen);
    logger.info('xaps serve started in AWS mode', {
      listen: address,
      dataDir: config.dataDir,
      tableName: settings.tableName,
      snsTopicArn: settings.snsTopicArn,
      topic: aws.topic.current(),
      spooled: spool.size,
    });

    const stop = once(() => stopAwsMode(server, context, aws, cleanups, logger));
    return { server, context, aws, address, stop };
  } catch (error) {
    await runCleanups(cleanups, logger);
    throw error;
  }
}

async function stopAwsMode(
  server: Server,
  context: ShimContext,
  aws: AwsShimParts,
  cleanups: Cleanup[],
  logger: PushLogger,
): Promise<void> {
  await closeServer(server);
  const unfinished = await context.queue.close(AWS_STOP_DRAIN_MS);
  if (unfinished > 0) {
    logger.error('stopping with publishes unfinished', { unfinished });
  }
  await runCleanups(cleanups, logger);
  logger.info('xaps serve stopped', { spooled: aws.spool.size });
}

function requireAwsSettings(config: ShimConfig): AwsShimSettings {
  if (config.aws === undefined) {
    throw new Error(
      'startAwsMode needs the AWS settings: load the config with XAPS_MODE=aws',
    );
  }
  return config.aws;
}

interface PartsInput {
  settings: AwsShimSettings;
  clients: AwsClients;
  store: DynamoDbRegistrationStore;
  spool: RegistrationSpool;
  context: ShimContext;
  logger: PushLogger;
  options: AwsModeOptions;
}

function assembleParts(input: PartsInput): AwsShimParts {
  const { settings, clients, store, spool, context, logger } = input;
  const status = new AwsStatus();
  const timeoutMs = settings.timeoutMs;
  const tracker = new WriteTracker();
  const backoff = input.options.flushBackoffMs;
  const flusher = new SpoolFlusher({
    spool,
    store,
    tracker,
    logger,
    status,
    timeoutMs,
    ...(backoff === undefined
      ? {}
      : { minBackoffMs: backoff.min, maxBackoffMs: backoff.max }),
  });
  status.onRecovery(() => flusher.retryNow());

  return {
    status,
    spool,
    topic: new CredentialTopic({
      read: () => readCredentialConfig(clients.dynamodb, settings.tableName),
      topicFile: context.topicFile,
      logger,
      status,
      timeoutMs,
      refreshMs: settings.credentialRefreshMs,
    }),
    users: new KnownUsers({
      list: () => store.listUsers(),
      pendingUsers: () => spool.pendingUsers(),
      logger,
      status,
      refreshMs: settings.usersRefreshMs,
    }),
    writer: new RegistrationWriter({
      store,
      spool,
      flusher,
      tracker,
      logger,
      status,
      timeoutMs,
    }),
    publisher: new MailboxEventPublisher({
      sns: clients.sns,
      topicArn: settings.snsTopicArn,
      logger,
      status,
      timeoutMs,
    }),
    flusher,
  };
}

/** Reads the topic and the users (each waited for at most one deadline) and starts the timers. */
async function startBackground(aws: AwsShimParts, timeoutMs: number): Promise<void> {
  for (const user of aws.spool.pendingUsers()) {
    aws.users.add(user);
  }
  aws.users.start();
  aws.topic.start();
  aws.flusher.start();
  await Promise.all([
    aws.topic.refresh(),
    withinDeadline(aws.users.load(), timeoutMs, 'loading the registered users').catch(
      () => undefined,
    ),
  ]);
}

async function stopBackground(aws: AwsShimParts): Promise<void> {
  aws.users.stop();
  aws.topic.stop();
  await aws.flusher.stop();
}
