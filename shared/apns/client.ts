import { createLogger, type Logger, tokenPrefix } from '../log/logger.js';
import { classifyResponse, noResponseOutcome } from './classify.js';
import { type CaOption, connectOptionsFor } from './connect-options.js';
import { type ApnsEndpoint, resolveApnsOrigin } from './endpoint.js';
import { ProviderTokens } from './provider-token.js';
import {
  type ApnsPriority,
  buildPushRequest,
  DEFAULT_EXPIRATION_SECONDS,
  type HttpPushRequest,
  type PushRequestOptions,
  withProviderToken,
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
  /** Clock in epoch ms, for apns-expiration and the provider token's iat and age. */
  now?: () => number;
  logger?: Logger;
}

/**
 * Sends mail pushes to APNs over one reused HTTP/2 session, opened on the first push.
 * Every response, timeout or connection failure becomes a PushOutcome; push() rejects
 * only after close(). A push refused unprocessed (GOAWAY, REFUSED_STREAM or its session
 * closing before a response) is sent once more, on a new session when the old one is gone.
 * With a token credential every request carries the client's provider token, and a push
 * rejected with 403 ExpiredProviderToken is sent once more with a new token.
 */
export class ApnsClient implements PushSender {
  readonly #sessions: SessionManager;
  readonly #requestOptions: PushRequestOptions;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #tokens: ProviderTokens | undefined;
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
    this.#tokens =
      options.credential.kind === 'token'
        ? new ProviderTokens(options.credential, this.#now, this.#logger)
        : undefined;
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

  /** Number of provider tokens (JWTs) signed so far; 0 with a certificate credential. */
  get providerTokensSigned(): number {
    return this.#tokens?.signed ?? 0;
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

    const first = await this.#send(built.request, request.deviceToken);
    if (!isExpiredProviderToken(first.outcome) || first.jwt === undefined) {
      warnOnTokenUpdates(first.outcome, this.#logger);
      return first.outcome;
    }
    // One retry at most: a second ExpiredProviderToken goes back to the caller as
    // credential-rejected.
    if (this.#tokens?.renewAfterExpired(first.jwt) !== true || this.#closed) {
      return first.outcome;
    }
    this.#logger.info('Retrying APNs push with a new provider token', {
      deviceToken: tokenPrefix(request.deviceToken),
    });
    const second = await this.#send(built.request, request.deviceToken);
    warnOnTokenUpdates(second.outcome, this.#logger);
    return second.outcome;
  }

  /** Closes every session once its open streams finish; push() rejects afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#sessions.closeAll();
  }

  /** Sends one push, and once more when APNs refused it unprocessed. */
  async #send(request: HttpPushRequest, deviceToken: string): Promise<Sent> {
    const first = await this.#attempt(request);
    if (first.attempt.kind !== 'refused') return sent(first.attempt, first.jwt);
    if (this.#closed) {
      // A retry now would open a session that nothing closes.
      const reason = `ClientClosed: not sent again after ${first.attempt.reason}`;
      return { outcome: noResponseOutcome(reason), jwt: first.jwt };
    }

    // One line per push at debug: a GOAWAY can refuse hundreds of streams at once, and
    // the session retirement is already logged at info.
    this.#logger.debug('Retrying refused APNs push', {
      deviceToken: tokenPrefix(deviceToken),
      reason: first.attempt.reason,
    });
    const second = await this.#attempt(request);
    if (second.attempt.kind !== 'refused') return sent(second.attempt, second.jwt);
    const reason = `StreamRefused: refused twice, last ${second.attempt.reason}`;
    return { outcome: noResponseOutcome(reason), jwt: second.jwt };
  }

  async #attempt(
    request: HttpPushRequest,
  ): Promise<{ attempt: Attempt; jwt: string | undefined }> {
    const jwt = this.#tokens?.current();
    const authorized = jwt === undefined ? request : withProviderToken(request, jwt);
    const entry = this.#sessions.acquire();
    const attempt = await sendAttempt(entry, authorized, this.#timeoutMs);
    if (attempt.kind === 'failed' && attempt.timedOut) {
      // A connection that stopped responding (NAT timeout, frozen Lambda) must not
      // swallow every later push as well.
      void this.#sessions.drain(entry, 'request timed out');
    }
    return { attempt, jwt };
  }
}

/** The outcome of a push and the provider token it was last sent with, if any. */
interface Sent {
  outcome: PushOutcome;
  jwt: string | undefined;
}

function sent(attempt: Exclude<Attempt, { kind: 'refused' }>, jwt?: string): Sent {
  return { outcome: outcomeOf(attempt), jwt };
}

function isExpiredProviderToken(outcome: PushOutcome): boolean {
  return (
    outcome.kind === 'credential-rejected' && outcome.reason === 'ExpiredProviderToken'
  );
}

/** Logs 429 TooManyProviderTokenUpdates: the token stays, the caller backs off. */
function warnOnTokenUpdates(outcome: PushOutcome, logger: Logger): void {
  if (outcome.kind === 'retryable' && outcome.reason === 'TooManyProviderTokenUpdates') {
    logger.warn('APNs rejected a provider token update as too frequent; keeping it', {
      status: outcome.status,
    });
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
