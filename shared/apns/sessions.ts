import http2, {
  type ClientHttp2Session,
  type SecureClientSessionOptions,
} from 'node:http2';
import type { Logger } from '../log/logger.js';

/** One HTTP/2 connection to APNs and what the client has learnt about it. */
export interface ApnsSession {
  /** Position in the order sessions were opened, starting at 1; used in logs. */
  readonly number: number;
  readonly session: ClientHttp2Session;
  /** True once TLS and the HTTP/2 preface completed. */
  connected: boolean;
  /** lastStreamID of the peer's GOAWAY: streams above it were never processed. */
  goawayLastStreamId: number | undefined;
  /** A retired session takes no new streams; its open streams may still finish. */
  retired: boolean;
  /** The session's 'error', e.g. a TLS alert; explains why its streams died. */
  error: Error | undefined;
  /** Responses received on this session. */
  responses: number;
}

/**
 * Keeps one HTTP/2 session to APNs open and reuses it for every push, replacing it
 * after GOAWAY, an error, a close or a request timeout. Retired sessions drain their
 * open streams and stay tracked until they close, so close() can wait for them.
 */
export class SessionManager {
  #current: ApnsSession | undefined;
  readonly #open = new Set<ApnsSession>();
  #opened = 0;

  constructor(
    private readonly origin: string,
    private readonly connectOptions: SecureClientSessionOptions,
    private readonly logger: Logger,
  ) {}

  /** Number of sessions opened since this manager was created. */
  get sessionsOpened(): number {
    return this.#opened;
  }

  /** True when a session is connected and still taking new streams. */
  get connected(): boolean {
    const current = this.#current;
    if (current === undefined) return false;
    return current.connected && usable(current);
  }

  /** Returns the current session, opening a new one when none can take streams. */
  acquire(): ApnsSession {
    const current = this.#current;
    if (current !== undefined && usable(current)) return current;
    return this.#connect();
  }

  /** Stops new streams on `entry`; the next acquire() opens a new session. */
  retire(entry: ApnsSession, reason: string): void {
    if (!entry.retired) {
      this.logger.info('Retiring APNs session', { session: entry.number, reason });
    }
    entry.retired = true;
    if (this.#current === entry) this.#current = undefined;
  }

  /**
   * Retires `entry` and closes it once its open streams finish. A session that never
   * connected is destroyed at once, because a TLS handshake can hang for minutes.
   */
  drain(entry: ApnsSession, reason: string): Promise<void> {
    this.retire(entry, reason);
    const { session } = entry;
    if (session.destroyed) return Promise.resolve();

    return new Promise((resolve) => {
      session.once('close', () => resolve());
      // The session is unref'd while idle; without ref() the process could exit
      // before 'close' fires and leave this promise unsettled.
      session.ref();
      if (entry.connected) session.close();
      else session.destroy();
    });
  }

  /** Drains every open session. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#open].map((entry) => this.drain(entry, 'client closed')));
  }

  #connect(): ApnsSession {
    const session = http2.connect(this.origin, this.connectOptions);
    this.#opened += 1;
    const entry: ApnsSession = {
      number: this.#opened,
      session,
      connected: false,
      goawayLastStreamId: undefined,
      retired: false,
      error: undefined,
      responses: 0,
    };
    this.#open.add(entry);
    this.#current = entry;
    this.#watch(entry);
    // An idle session must not keep a CLI or test process alive. While a push is in
    // flight, its request timeout timer keeps the process running.
    session.unref();
    this.logger.debug('Opening APNs session', {
      session: entry.number,
      origin: this.origin,
    });
    return entry;
  }

  #watch(entry: ApnsSession): void {
    const { session } = entry;
    session.on('connect', () => {
      entry.connected = true;
    });
    session.on('goaway', (errorCode: number, lastStreamID: number) => {
      // A later GOAWAY may only lower the id, so the first one bounds the processed streams.
      entry.goawayLastStreamId ??= lastStreamID;
      this.retire(entry, `GOAWAY code ${errorCode}, last stream ${lastStreamID}`);
    });
    session.on('error', (error: Error) => {
      entry.error = error;
      this.logger.warn('APNs session failed', { session: entry.number, error });
      this.retire(entry, 'session error');
    });
    session.on('close', () => {
      this.retire(entry, 'session closed');
      this.#open.delete(entry);
    });
  }
}

function usable(entry: ApnsSession): boolean {
  return !entry.retired && !entry.session.closed && !entry.session.destroyed;
}
