import type { CredentialConfig } from '../../shared/credentials/stored-credential.js';
import type { PushLogger } from '../../shared/push/types.js';
import type { TopicFile } from '../topic-file.js';
import type { AwsStatus } from './aws-status.js';
import { describeAwsError, withinDeadline } from './deadline.js';

export interface CredentialTopicOptions {
  /** Reads the credential config item; undefined when no credential was imported. */
  read: () => Promise<CredentialConfig | undefined>;
  /** The last topic served, kept in the data directory across restarts. */
  topicFile: TopicFile;
  logger: PushLogger;
  status: AwsStatus;
  timeoutMs: number;
  refreshMs: number;
}

/** Topic facts for /health. */
export interface TopicReport {
  topic: string | null;
  /** `config-item`: read from DynamoDB since start; `cache`: the data directory's copy. */
  source: 'config-item' | 'cache' | 'none';
  kind?: string;
  environment?: string;
  notAfter?: string | null;
  readAt?: string;
}

// The Dovecot xaps plugin 2.3 crashes the IMAP process on a /register body shorter than this.
const PLUGIN_23_MIN_TOPIC_BYTES = 51;

/**
 * The APNs topic that /register returns: read from the credential config item at
 * start and every `refreshMs`, and cached in the data directory, so a shim that
 * restarts while AWS is unreachable still returns the topic devices already have.
 */
export class CredentialTopic {
  private config: CredentialConfig | undefined;
  private readAt: number | undefined;
  private itemMissing = false;
  private reading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CredentialTopicOptions) {}

  /** Returns the topic for /register, or undefined when none was ever known. */
  current(): string | undefined {
    return this.config?.topic ?? this.options.topicFile.get();
  }

  /** Returns the topic, reading the config item first (within the deadline) when none is known. */
  async currentOrRead(): Promise<string | undefined> {
    if (this.current() === undefined) {
      await this.refresh();
    }
    return this.current();
  }

  /** Reads the config item once; concurrent callers share one read. Never throws. */
  refresh(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Reads the item again every `refreshMs` until stop(). */
  start(): void {
    this.timer ??= setInterval(() => void this.refresh(), this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  report(): TopicReport {
    const topic = this.current();
    if (this.config === undefined || this.readAt === undefined) {
      return { topic: topic ?? null, source: topic === undefined ? 'none' : 'cache' };
    }
    return {
      topic: this.config.topic,
      source: 'config-item',
      kind: this.config.kind,
      environment: this.config.environment,
      notAfter: this.config.notAfter,
      readAt: new Date(this.readAt).toISOString(),
    };
  }

  private async readOnce(): Promise<void> {
    const { logger, status, timeoutMs } = this.options;
    let config: CredentialConfig | undefined;
    try {
      config = await withinDeadline(
        this.options.read(),
        timeoutMs,
        'reading the credential config item',
      );
    } catch (error) {
      status.failed('read credential config', error);
      logger.warn(
        'reading the credential config item failed; /register keeps returning the cached topic',
        {
          topic: this.current(),
          ...describeAwsError(error),
        },
      );
      return;
    }
    status.succeeded();

    if (config === undefined) {
      this.noteMissingItem();
      return;
    }
    this.itemMissing = false;
    this.accept(config);
  }

  private accept(config: CredentialConfig): void {
    const previous = this.current();
    this.config = config;
    this.readAt = Date.now();
    if (previous === config.topic) {
      return;
    }

    this.options.logger.info('APNs topic read from the credential config item', {
      topic: config.topic,
      previousTopic: previous,
      kind: config.kind,
      environment: config.environment,
    });
    const bytes = Buffer.byteLength(config.topic);
    if (bytes < PLUGIN_23_MIN_TOPIC_BYTES) {
      this.options.logger.warn(
        `APNs topic '${config.topic}' is ${bytes} bytes: the Dovecot xaps plugin 2.3 ` +
          `crashes the IMAP process on a /register response shorter than ` +
          `${PLUGIN_23_MIN_TOPIC_BYTES} bytes; use the 2.4 plugin or a longer topic`,
      );
    }
    try {
      this.options.topicFile.set(config.topic);
    } catch (error) {
      this.options.logger.error('caching the topic in the data directory failed', {
        error,
      });
    }
  }

  private noteMissingItem(): void {
    if (this.itemMissing) {
      return;
    }
    this.itemMissing = true;
    this.options.logger.warn(
      'the credential config item is missing from the table: import a credential with ' +
        '`xaps credential import`; /register answers the cached topic, or 503 without one',
      { cachedTopic: this.current() },
    );
  }
}
