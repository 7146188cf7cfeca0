import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteRegistrationStore } from '../../../shared/registrations/sqlite-store.js';
import type { RegistrationStore } from '../../../shared/registrations/types.js';
import { createUserMapping } from '../../../shared/users/user-mapping.js';
import { buildShimContext } from '../../../shim/build-context.js';
import type { CredentialInfo, ShimContext } from '../../../shim/context.js';
import { createShimServer } from '../../../shim/server.js';
import { RecordingLogger, ScriptedSender } from '../push/doubles.js';

export const TOPIC = 'com.apple.mail.XServer.3f1c2b7e-8d4a-4e5f-9a6b-7c8d9e0f1a2b';

export const FIXTURE_DIR = new URL('../../fixtures/', import.meta.url);

/** Reads a fixture file as text. */
export function readFixture(name: string): Promise<string> {
  return readFile(new URL(name, FIXTURE_DIR), 'utf8');
}

export interface ShimOptions {
  /** Default: a loaded credential for TOPIC; null for none. */
  credential?: CredentialInfo | null;
  sharedSecret?: string;
  pushQueueSize?: number;
  /** Existing data directory, to restart a shim over the same data. */
  dataDir?: string;
  /** Wraps the real store, e.g. to make it fail. */
  wrapStore?: (store: RegistrationStore) => RegistrationStore;
}

/** A running shim on 127.0.0.1 with a real SQLite store and a scripted sender. */
export interface RunningShim {
  port: number;
  dataDir: string;
  store: SqliteRegistrationStore;
  sender: ScriptedSender;
  logger: RecordingLogger;
  context: ShimContext;
  /** Stops the server and closes the store; keeps the data directory. */
  stop: () => Promise<void>;
  /** Stops and removes the data directory. */
  cleanup: () => Promise<void>;
}

/** Starts the real HTTP server on an ephemeral loopback port. */
export async function startShim(options: ShimOptions = {}): Promise<RunningShim> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'xaps-shim-')));
  const store = new SqliteRegistrationStore(join(dataDir, 'registrations.sqlite'));
  const sender = new ScriptedSender();
  const logger = new RecordingLogger();
  const credential =
    options.credential === null
      ? undefined
      : (options.credential ?? {
          kind: 'xserver-certificate',
          topic: TOPIC,
          notAfter: new Date(Date.now() + 365 * 24 * 3600 * 1000),
          environment: 'production',
        });

  const context = buildShimContext({
    store: options.wrapStore?.(store) ?? store,
    logger,
    users: createUserMapping(),
    dataDir,
    ...(credential === undefined ? {} : { credential, sender }),
    notifyEvents: ['MessageNew', 'MessageAppend'],
    sharedSecret: options.sharedSecret,
    pushQueueSize: options.pushQueueSize ?? 100,
    retryDelaysMs: [1, 1],
  });
  const server = createShimServer(context);
  const port = await listen(server);

  let stopped = false;
  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    await context.queue.close(2000);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  };
  return {
    port,
    dataDir,
    store,
    sender,
    logger,
    context,
    stop,
    cleanup: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Returns a store that forwards to `store` except for the overridden methods. */
export function overrideStore(
  store: RegistrationStore,
  overrides: Partial<RegistrationStore>,
): RegistrationStore {
  return {
    upsert: (input, now) => store.upsert(input, now),
    listByUser: (user, now) => store.listByUser(user, now),
    listByDeviceToken: (token, now) => store.listByDeviceToken(token, now),
    listUsers: (now) => store.listUsers(now),
    delete: (user, token) => store.delete(user, token),
    deleteIfNotRefreshedSince: (user, token, since) =>
      store.deleteIfNotRefreshedSince(user, token, since),
    deleteByUser: (user) => store.deleteByUser(user),
    close: () => store.close(),
    ...overrides,
  };
}

/** Polls until the condition holds; throws after the timeout so a test fails, not hangs. */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`condition still false after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
