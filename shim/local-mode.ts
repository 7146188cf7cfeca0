import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { ConfigError } from '../shared/config/env.js';
import type { LoadedCertificate } from '../shared/credentials/load-certificate.js';
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
import {
  createApnsClient,
  credentialWarnings,
  loadConfiguredCredential,
} from './credential-files.js';
import { formatListenAddress } from './listen-address.js';
import { MonitoredSender } from './monitored-sender.js';
import { createShimServer } from './server.js';

/** Time a stop waits for queued pushes before closing the APNs session anyway. */
export const STOP_DRAIN_MS = 10_000;

/** Time a stop waits for the APNs session to close after the last push. */
const SENDER_CLOSE_MS = 5_000;

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
  mkdirSync(config.dataDir, { recursive: true });
  const releaseLock = acquireServeLock(config.dataDir);
  const cleanups: Cleanup[] = [releaseLock];

  try {
    const storePath = join(config.dataDir, REGISTRATIONS_FILE_NAME);
    const store = new SqliteRegistrationStore(storePath, {
      maxDevicesPerUser: config.core.maxDevicesPerUser,
    });
    cleanups.unshift(() => store.close());

    const push = await openPush(config, logger);
    if (push !== undefined) {
      cleanups.unshift(() => closeSender(push.sender, logger));
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
    const server = createShimServer(context);
    const address = await listen(server, config);
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

type Cleanup = () => Promise<void> | void;

/** Loads the configured credential and creates its APNs sender; undefined without one. */
async function openPush(config: ShimConfig, logger: Logger) {
  const certificate = await loadCredential(config, logger);
  if (certificate === undefined) {
    return undefined;
  }

  const sender = new MonitoredSender(
    createApnsClient(certificate, config.core.apns, logger),
  );
  return {
    credential: {
      topic: certificate.topic,
      notAfter: certificate.notAfter,
      environment: certificate.environment,
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
    logger.error('stopping with pushes unfinished', {
      unfinished,
      waitedMs: STOP_DRAIN_MS,
    });
  }
  await runCleanups(cleanups, logger);
  logger.info('xaps serve stopped');
}

async function loadCredential(
  config: ShimConfig,
  logger: Logger,
): Promise<LoadedCertificate | undefined> {
  if (config.credentialFiles === undefined) {
    logger.warn(
      'no APNs credential configured: set XAPS_APNS_CERT and XAPS_APNS_KEY, or XAPS_APNS_P12; ' +
        '/register responds 503 until then (Dovecot shows devices the topic "(null)")',
    );
    return undefined;
  }

  const certificate = await loadConfiguredCredential(config.credentialFiles);
  logger.info('APNs credential loaded', {
    topic: certificate.topic,
    notAfter: certificate.notAfter.toISOString(),
    environment: certificate.environment,
  });
  for (const warning of credentialWarnings(certificate, config.core.apns)) {
    logger.warn(warning);
  }
  return certificate;
}

async function closeSender(sender: MonitoredSender, logger: Logger): Promise<void> {
  if (!(await finishWithin(sender.close(), SENDER_CLOSE_MS))) {
    logger.warn('APNs session did not close in time', { waitedMs: SENDER_CLOSE_MS });
  }
}

function listen(server: Server, config: ShimConfig): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      const address = formatListenAddress(config.listen);
      reject(
        new ConfigError(
          'XAPS_LISTEN',
          `could not listen on ${address} (${error.message}): stop the process using it, ` +
            'or set XAPS_LISTEN to a free address',
        ),
      );
    };
    server.once('error', onError);
    server.listen(config.listen.port, config.listen.host, () => {
      server.off('error', onError);
      const bound = server.address();
      resolve(
        typeof bound === 'object' && bound !== null
          ? formatListenAddress({ host: bound.address, port: bound.port })
          : formatListenAddress(config.listen),
      );
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Kept-alive plugin connections would otherwise hold close() open.
    server.closeIdleConnections();
  });
}

async function runCleanups(cleanups: Cleanup[], logger: Logger) {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      logger.error('cleanup during stop failed', { error });
    }
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= action();
    return running;
  };
}
