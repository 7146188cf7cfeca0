import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  RegistrationInput,
  UpsertResult,
} from '../../../shared/registrations/types.js';
import { AwsStatus } from '../../../shim/aws/aws-status.js';
import {
  RegistrationSpool,
  SPOOL_FILE_NAME,
} from '../../../shim/aws/registration-spool.js';
import { RegistrationWriter } from '../../../shim/aws/registration-writer.js';
import { SpoolFlusher } from '../../../shim/aws/spool-flusher.js';
import { WriteTracker } from '../../../shim/aws/write-tracker.js';
import { RecordingLogger } from '../push/doubles.js';

/** One upsert the scripted store received. */
export interface UpsertCall {
  input: RegistrationInput;
  now: number;
}

type Behaviour = 'ok' | 'fail' | 'reject' | 'hang';

/**
 * A store whose upsert does what the test sets: succeed, fail like a network error,
 * reject like DynamoDB's ValidationException, or hang until released.
 */
export class ScriptedStore {
  readonly calls: UpsertCall[] = [];
  behaviour: Behaviour = 'ok';
  private readonly hanging: (() => void)[] = [];

  async upsert(input: RegistrationInput, now = Date.now()): Promise<UpsertResult> {
    this.calls.push({ input, now });
    const result = {
      registration: { ...input, createdAt: now, updatedAt: now, expiresAt: now + 1 },
      evicted: [],
    };
    switch (this.behaviour) {
      case 'fail':
        throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      case 'reject':
        throw Object.assign(new Error('One or more parameter values were invalid'), {
          name: 'ValidationException',
        });
      case 'hang':
        await new Promise<void>((resolve) => this.hanging.push(resolve));
        throw new Error('socket hang up');
      default:
        return result;
    }
  }

  /** Lets every hanging upsert settle (as failed). */
  release(): void {
    for (const resolve of this.hanging.splice(0)) {
      resolve();
    }
  }
}

/** A writer, flusher and spool over a scripted store, in a temporary directory. */
export interface SpoolRig {
  store: ScriptedStore;
  spool: RegistrationSpool;
  flusher: SpoolFlusher;
  writer: RegistrationWriter;
  status: AwsStatus;
  logger: RecordingLogger;
  dir: string;
  dispose: () => Promise<void>;
}

export async function createSpoolRig(
  options: { minBackoffMs?: number; timeoutMs?: number } = {},
): Promise<SpoolRig> {
  const dir = await mkdtemp(join(tmpdir(), 'xaps-spool-'));
  const store = new ScriptedStore();
  const spool = new RegistrationSpool(join(dir, SPOOL_FILE_NAME));
  const logger = new RecordingLogger();
  const status = new AwsStatus();
  const tracker = new WriteTracker();
  const timeoutMs = options.timeoutMs ?? 100;
  const minBackoffMs = options.minBackoffMs ?? 10;
  const flusher = new SpoolFlusher({
    spool,
    store,
    tracker,
    logger,
    status,
    timeoutMs,
    minBackoffMs,
    maxBackoffMs: minBackoffMs,
  });
  const writer = new RegistrationWriter({
    store,
    spool,
    flusher,
    tracker,
    logger,
    status,
    timeoutMs,
  });
  return {
    store,
    spool,
    flusher,
    writer,
    status,
    logger,
    dir,
    async dispose() {
      store.release();
      await flusher.stop();
      spool.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
