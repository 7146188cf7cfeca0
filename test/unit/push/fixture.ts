import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadDeviceTokenGuard } from '../../../shared/push/bad-token-guard.js';
import type { PushDeps } from '../../../shared/push/types.js';
import { SqliteRegistrationStore } from '../../../shared/registrations/sqlite-store.js';
import type { RegistrationInput } from '../../../shared/registrations/types.js';
import { registrationInput, uniqueUser } from '../../support/registrations-fixtures.js';
import { RecordingLogger, ScriptedSender } from './doubles.js';

export const TOPIC = 'com.apple.mail.XServer.6a1a0d3c-5b58-4d4f-9a55-2f0f3e0e8c11';

/** A real SQLite store in a temp directory, a scripted sender and a recording logger. */
export interface PushFixture {
  dir: string;
  store: SqliteRegistrationStore;
  sender: ScriptedSender;
  logger: RecordingLogger;
  deps: PushDeps;
  user: string;
  /** Stores a registration for the fixture's user, refreshed at `now`. */
  register: (
    overrides?: Partial<RegistrationInput>,
    now?: number,
  ) => Promise<RegistrationInput>;
  cleanup: () => Promise<void>;
}

/** Opens a fresh fixture; call cleanup() after the test. */
export async function openPushFixture(): Promise<PushFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'xaps-push-'));
  const store = new SqliteRegistrationStore(join(dir, 'registrations.sqlite'));
  const sender = new ScriptedSender();
  const logger = new RecordingLogger();
  const user = uniqueUser();
  const deps: PushDeps = {
    store,
    sender,
    currentTopic: TOPIC,
    logger,
    guard: new BadDeviceTokenGuard(),
    retryDelaysMs: [1, 1],
  };

  return {
    dir,
    store,
    sender,
    logger,
    deps,
    user,
    register: async (overrides = {}, now = Date.now()) => {
      const input = registrationInput({ user, topic: TOPIC, ...overrides });
      await store.upsert(input, now);
      return input;
    },
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
