import type { Server } from 'node:http';
import { join } from 'node:path';
import { readApnsCaFile } from '../shared/config/apns-ca.js';
import type { Logger } from '../shared/log/logger.js';
import { acquireServeLock } from '../shared/registrations/data-dir-lock.js';
import {
  REGISTRATIONS_FILE_NAME,
  SqliteRegistrationStore,
} from '../shared/registrations/sqlite-store.js';
import { createUserMapping } from '../shared/users/user-mapping.js';
import { finishWithin } from './bounded-wait.js';
import { buildShimContext } from './build-context.js';
import type { ShimConfig } from './config.js';
import type { ShimContext } from './context.js';
import { scheduleExpiryCheck } from './credential-expiry-check.js';
import {
  createApnsClient,
  credentialWarnings,
  kindOf,
  type LoadedCredential,
  loadConfiguredCredential,
  noCredentialWarning,
} from './credential-files.js';
import { prepareDataDir } from './data-dir.js';
import { importedCredentialFiles } from './imported-credential.js';
import { type Cleanup, closeServer, listenOn, once, runCleanups } from './lifecycle.js';
import { MonitoredSender } from './monitored-sender.js';
import { RegistrationRetry } from './registration-retry.js';
import { createShimServer } from './server.js';
import { TopicFile } from './topic-file.js';

/** Time a stop waits for queued pushes before closing the APNs session anyway. */
export const STOP_DRAIN_MS = 10_000;

/** Time a stop waits for the APNs session to close after the last push. */
const SENDER_CLOSE_MS = 5_000;

/**
 * Wait for another process's write lock, in ms. better-sqlite3 waits synchronously,
 * blocking every request meanwhile, so the server waits briefly and retries later.
 */
const SERVER_BUSY_TIMEOUT_MS = 100;

/** How often expired registrations are deleted from the file (reads skip them anyway). */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** A running `xaps serve`. */
export interface LocalMode {
  server: Server;
  context: ShimContext;
  /** The address actually bound, e.g. [::1]:11619. */
  address: string;
  /** Stops accepting requests, finishes queued pushes (bounded), closes everything. */
  stop: () => Promise<void>;
}

/**
 * Starts the single-host mode: SQLite store in XAPS_DATA_DIR under the serve lock,
 * the credential from files, pushes sent in-process, and the plugin-compatible
 * HTTP server. Throws on a held lock, an unusable credential or a busy port.
 */
export async function startLocalMode(
  config: ShimConfig,
  logger: Logger,
): Promise<LocalMode> {
  prepareDataDir(config.dataDir, logger);
  if (config.core.apns.caFile !== undefined) readApnsCaFile(config.core.apns.caFile);
  const releaseLock = acquireServeLock(config.dataDir);
  const cleanups: Cleanup[] = [releaseLock];

  try {
    const storePath = join(config.dataDir, REGISTRATIONS_FILE_NAME);
    const store = new SqliteRegistrationStore(storePath, {
      maxDevicesPerUser: config.core.maxDevicesPerUser,
      busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS,
    });
    cleanups.unshift(() => store.close());
    const stopPurge = schedulePurge(store, logger);
    cleanups.unshift(stopPurge);

    const push = await openPush(config, logger);
    if (push !== undefined) {
      cleanups.unshift(() => closeSender(push.sender, logger));
      const { topic, notAfter } = push.credential;
      // A token key does not expire, so only a certificate gets the daily check.
      if (notAfter !== null)
        cleanups.unshift(scheduleExpiryCheck({ topic, notAfter }, logger));
    }

    const context = buildShimContext({
      store,
      logger,
      users: createUserMapping(config.core.users),
      dataDir: config.dataDir,
      ...push,
      notifyEvents: config.notifyEvents,
      sharedSecret: config.sharedSecret,
      pushQueueSize: config.pushQueueSize,
    });
    const retry = new RegistrationRetry({ store, logger });
    context.registrationRetry = retry;
    cleanups.unshift(() => retry.close());
    const server = createShimServer(context);
    const address = await listenOn(server, config.listen);
    logger.info('xaps serve started', {
      listen: address,
      dataDir: config.dataDir,
      topic: push?.credential.topic,
      apnsEndpoint: config.core.apns.endpoint,
    });

    const stop = once(() => stopLocalMode(server, context, cleanups, logger));
    return { server, context, address, stop };
  } catch (error) {
    await runCleanups(cleanups, logger);
    throw error;
  }
}

/** Deletes expired registrations now and every hour; returns the function that stops it. */
function schedulePurge(store: SqliteRegistrationStore, logger: Logger): () => void {
  const purge = () => {
    store
      .purgeExpired()
      .then((purged) => {
        if (purged > 0) logger.info('expired registrations deleted', { purged });
      })
      .catch((error: unknown) => {
        logger.error('deleting expired registrations failed', { error });
      });
  };
  purge();
  const timer = setInterval(purge, PURGE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Loads the configured credential and creates its APNs sender; undefined without one. */
async function openPush(config: ShimConfig, logger: Logger) {
  const loaded = await loadCredential(config, logger);
  if (loaded === undefined) {
    return undefined;
  }

  const sender = new MonitoredSender(createApnsClient(loaded, config.core.apns, logger));
  return {
    credential: {
      kind: kindOf(loaded),
      topic: loaded.topic,
      notAfter: loaded.notAfter,
      environment: loaded.environment,
    },
    sender,
    apnsStatus: () => sender.status(),
  };
}

async function stopLocalMode(
  server: Server,
  context: ShimContext,
  cleanups: Cleanup[],
  logger: Logger,
): Promise<void> {
  await closeServer(server);
  const unfinished = await context.queue.close(STOP_DRAIN_MS);
  if (unfinished > 0) {
    logger.error('pushes dropped at stop', {
      dropped: unfinished,
      waitedMs: STOP_DRAIN_MS,
    });
  }
  await runCleanups(cleanups, logger);
  logger.info('xaps serve stopped');
}

async function loadCredential(
  config: ShimConfig,
  logger: Logger,
): Promise<LoadedCredential | undefined> {
  // Files named in the environment win over those `xaps credential import` left.
  const files = config.credentialFiles ?? importedCredentialFiles(config.dataDir);
  if (files === undefined) {
    logger.warn(noCredentialWarning(new TopicFile(config.dataDir).get()));
    return undefined;
  }

  const loaded = await loadConfiguredCredential(files);
  logger.info('APNs credential loaded', {
    kind: kindOf(loaded),
    topic: loaded.topic,
    notAfter: loaded.notAfter?.toISOString() ?? null,
    environment: loaded.environment,
  });
  for (const warning of credentialWarnings(loaded, config.core.apns)) {
    logger.warn(warning);
  }
  return loaded;
}

async function closeSender(sender: MonitoredSender, logger: Logger): Promise<void> {
  if (!(await finishWithin(sender.close(), SENDER_CLOSE_MS))) {
    logger.warn('APNs session did not close in time', { waitedMs: SENDER_CLOSE_MS });
  }
}
