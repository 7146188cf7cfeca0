import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOPIC_FILE_NAME = 'topic';

/**
 * The last APNs topic the shim served, kept in the data directory. Once a device
 * got a topic, /register keeps returning it even when the credential or the store
 * fails, because the Dovecot xaps plugin 2.3 writes raw HTTP bytes into the IMAP
 * stream when a 5xx follows an earlier 200.
 */
export class TopicFile {
  private readonly path: string;
  private cached: string | undefined;

  constructor(dataDir: string) {
    this.path = join(dataDir, TOPIC_FILE_NAME);
    this.cached = readTopic(this.path);
  }

  /** Returns the persisted topic, or undefined when none was ever served. */
  get(): string | undefined {
    return this.cached;
  }

  /** Persists a topic atomically (write then rename) when it differs from the stored one. */
  set(topic: string): void {
    if (topic === this.cached) {
      return;
    }
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, topic, { mode: 0o600 });
    renameSync(temporary, this.path);
    this.cached = topic;
  }
}

function readTopic(path: string): string | undefined {
  try {
    const topic = readFileSync(path, 'utf8').trim();
    return topic === '' ? undefined : topic;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}
