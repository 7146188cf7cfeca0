import { createLogger, type Logger, tokenPrefix } from '../log/logger.js';
import { classifyResponse, noResponseOutcome } from './classify.js';
import { type CaOption, connectOptionsFor } from './connect-options.js';
import { type ApnsEndpoint, resolveApnsOrigin } from './endpoint.js';
import {
  type ApnsPriority,
  buildPushRequest,
  DEFAULT_EXPIRATION_SECONDS,
  type HttpPushRequest,
  type PushRequestOptions,
} from './request.js';
import { SessionManager } from './sessions.js';
import { type Attempt, sendAttempt } from './stream.js';
import type { ApnsCredential, PushOutcome, PushRequest, PushSender } from './types.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface ApnsClientOptions {
  credential: ApnsCredential;
  /** 'production', 'sandbox' or an https:// origin (a loopback stand-in in tests). */
  endpoint: ApnsEndpoint;
  /** Roots that sign the server certificate; default Node's built-in list. */
  ca?: CaOption;
  /** Seconds from now until APNs may drop an undelivered push; default 86400. */
  expirationSeconds?: number;
  /** apns-priority header; default 5, which Apple requires for background pushes. */
  priority?: ApnsPriority;
  /** Milliseconds to wait for each attempt's response; default 10000. */
  requestTimeoutMs?: number;
  /** Clock in epoch ms, for apns-expiration. */
  now?: () => number;
  logger?: Logger;
}

/**
 * Sends mail pushes to APNs over one reused HTTP/2 session, opened on the first push.
 * Every response, timeout or connection failure becomes a PushOutcome; push() rejects
 * only after close(). A push refused unprocessed (GOAWAY, REFUSED_STREAM or its session
 * closing before a response) is sent once more, on a new session when the old one is gone.
 */
export class ApnsClient implements PushSender {
  readonly #sessions: SessionManager;
  readonly #requestOptions: PushRequestOptions;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  #closed = false;

  constructor(options: ApnsClientOptions) {
    const expirationSeconds = options.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const priority = options.priority ?? 5;
    checkOptions(expirationSeconds, timeoutMs, priority);

    this.#logger = options.logger ?? createLogger('apns');
    this.#requestOptions = { expirationSeconds, priority };
    this.#timeoutMs = timeoutMs;
    this.#now = options.now ?? Date.now;
    this.#sessions = new SessionManager(
      resolveApnsOrigin(options.endpoint),
      connectOptionsFor(options.credential, options.ca),
      this.#logger,
    );
  }

  /** Number of HTTP/2 sessions opened so far; 0 until the first push. */
  get sessionsOpened(): number {
    return this.#sessions.sessionsOpened;
  }

  /** True while a connected session is ready to take new pushes. */
  get connected(): boolean {
    return this.#sessions.connected;
  }

  async push(request: PushRequest): Promise<PushOutcome> {
    if (this.#closed) {
      throw new Error('ApnsClient is closed: create a new client to push again');
    }
    const built = buildPushRequest(request, this.#requestOptions, this.#now());
    if (!built.ok) return { kind: 'other', reason: built.reason };

    const first = await this.#attempt(built.request);
    if (first.kind !== 'refused') return outcomeOf(first);
    if (this.#closed) {
      // A retry now would open a session that nothing closes.
      return noResponseOutcome(`ClientClosed: not sent again after ${first.reason}`);
    }

    // One line per push at debug: a GOAWAY can refuse hundreds of streams at once, and
    // the session retirement is already logged at info.
    this.#logger.debug('Retrying refused APNs push', {
      deviceToken: tokenPrefix(request.deviceToken),
      reason: first.reason,
    });
    const second = await this.#attempt(built.request);
    if (second.kind !== 'refused') return outcomeOf(second);
    return noResponseOutcome(`StreamRefused: refused twice, last ${second.reason}`);
  }

  /** Closes every session once its open streams finish; push() rejects afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#sessions.closeAll();
  }

  async #attempt(request: HttpPushRequest): Promise<Attempt> {
    const entry = this.#sessions.acquire();
    const attempt = await sendAttempt(entry, request, this.#timeoutMs);
    if (attempt.kind === 'failed' && attempt.timedOut) {
      // A connection that stopped responding (NAT timeout, frozen Lambda) must not
      // swallow every later push as well.
      void this.#sessions.drain(entry, 'request timed out');
    }
    return attempt;
  }
}

function outcomeOf(attempt: Exclude<Attempt, { kind: 'refused' }>): PushOutcome {
  switch (attempt.kind) {
    case 'response':
      return classifyResponse(attempt);
    case 'failed':
      return noResponseOutcome(attempt.reason);
    case 'rejected-locally':
      return { kind: 'other', reason: attempt.reason };
  }
}

function checkOptions(
  expirationSeconds: number,
  timeoutMs: number,
  priority: unknown,
): void {
  if (!Number.isSafeInteger(expirationSeconds) || expirationSeconds < 0) {
    throw new Error(
      `expirationSeconds ${expirationSeconds} is invalid: use a whole number of seconds, 0 or more`,
    );
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new Error(
      `requestTimeoutMs ${timeoutMs} is invalid: use a whole number of milliseconds above 0`,
    );
  }
  if (priority !== 5 && priority !== 10 && priority !== 'omit') {
    throw new Error(`priority ${String(priority)} is invalid: use 5, 10 or 'omit'`);
  }
}
