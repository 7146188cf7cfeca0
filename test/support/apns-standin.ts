import http2, {
  type Http2SecureServer,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { checkPushRequest, deviceTokenOf } from './apns-standin-rules.js';
import { ProviderTokenVerifier, type StandinTokenAuth } from './apns-standin-token.js';
import {
  certificateTopicOf,
  type ProgrammedResponse,
  type ReceivedPush,
  ResponseGate,
  readBody,
  respond,
} from './apns-standin-wire.js';

export type { StandinTokenAuth, StandinTokenKey } from './apns-standin-token.js';
export type { ProgrammedResponse, ReceivedPush } from './apns-standin-wire.js';

/**
 * A loopback test double of Apple's APNs server: HTTP/2 over TLS on 127.0.0.1 with
 * client certificates checked against a test CA, Apple's request rules, programmable
 * responses per device token, held responses and GOAWAY. In bearer-token mode it
 * checks provider tokens against configured keys instead of client certificates.
 * Tests only; never a default.
 */

export interface ApnsStandinOptions {
  /** CA that issued the client certificates the stand-in accepts. */
  ca: string;
  /** Server certificate and key for 127.0.0.1. */
  cert: string;
  key: string;
  /** Bearer-token mode: requests authenticate with a JWT, not a client certificate. */
  tokenAuth?: StandinTokenAuth;
}

interface SessionRecord {
  number: number;
  session: ServerHttp2Session;
  maxStreamId: number;
  goawayLastStreamId: number | undefined;
}

export class ApnsStandin {
  /** Every request that was not refused, in arrival order. */
  readonly received: ReceivedPush[] = [];
  /** Streams reset with REFUSED_STREAM: after a GOAWAY, or through refuseStreams(). */
  refusedStreams = 0;
  /** Every GOAWAY sent: the session number and the lastStreamID it carried. */
  readonly goaways: Array<{ session: number; lastStreamId: number }> = [];
  #refuseCount = 0;
  #tlsConnections = 0;
  readonly #sockets = new Set<TLSSocket>();
  readonly #sessions = new Map<Http2Session, SessionRecord>();
  #sessionCount = 0;
  readonly #program = new Map<string, ProgrammedResponse>();
  readonly #gate = new ResponseGate();
  #goawayCountdown: number | undefined;
  readonly #tokens: ProviderTokenVerifier | undefined;
  #clientCertificates = 0;

  private constructor(
    private readonly server: Http2SecureServer,
    readonly url: string,
    tokenAuth: StandinTokenAuth | undefined,
  ) {
    this.#tokens =
      tokenAuth === undefined ? undefined : new ProviderTokenVerifier(tokenAuth);
    server.on('secureConnection', (socket: TLSSocket) => {
      this.#tlsConnections += 1;
      if (Object.keys(socket.getPeerCertificate()).length > 0)
        this.#clientCertificates += 1;
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('session', (session) => this.#track(session));
    server.on(
      'stream',
      (
        stream: ServerHttp2Stream,
        headers: IncomingHttpHeaders,
        _flags: number,
        raw: string[],
      ) => this.#onStream(stream, headers, raw),
    );
  }

  /**
   * Starts a stand-in on 127.0.0.1 with a free port. In bearer-token mode it still requests
   * a client certificate, without requiring one, to count clients that send one.
   */
  static async start(options: ApnsStandinOptions): Promise<ApnsStandin> {
    const server = http2.createSecureServer({
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      requestCert: true,
      rejectUnauthorized: options.tokenAuth === undefined,
      minVersion: 'TLSv1.2',
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return new ApnsStandin(server, `https://127.0.0.1:${port}`, options.tokenAuth);
  }

  /** Requests that got a 200 response. */
  get delivered(): ReceivedPush[] {
    return this.received.filter((push) => push.status === 200);
  }

  /** TLS connections completed, including those whose HTTP/2 setup failed. */
  get tlsConnections(): number {
    return this.#tlsConnections;
  }

  get http2Sessions(): number {
    return this.#sessionCount;
  }

  /** TLS connections on which the client presented a certificate. */
  get clientCertificates(): number {
    return this.#clientCertificates;
  }

  /** Distinct bearer tokens received in bearer-token mode, valid or not. */
  get distinctProviderTokens(): number {
    return this.#tokens?.distinctTokens ?? 0;
  }

  /** Responds to every later push to `deviceToken` with `response` instead of 200. */
  program(deviceToken: string, response: ProgrammedResponse): void {
    this.#program.set(deviceToken.toLowerCase(), response);
  }

  /** Forgets the programmed response of `deviceToken`, so its later pushes get 200. */
  unprogram(deviceToken: string): void {
    this.#program.delete(deviceToken.toLowerCase());
  }

  /** Delays every response, already pending or later, until release(). */
  hold(): void {
    this.#gate.hold();
  }

  release(): void {
    this.#gate.release();
  }

  /**
   * Sends GOAWAY (NO_ERROR, reason Shutdown) and then closes the session gracefully.
   * Without options every live session gets it at once, with lastStreamID set to its
   * latest stream. With `afterRequests: n`, the session that carries the n-th later
   * request gets it with that request's stream as lastStreamID, so every stream opened
   * after it is refused and never recorded.
   */
  goaway(options: { afterRequests?: number } = {}): void {
    if (options.afterRequests !== undefined) {
      this.#goawayCountdown = options.afterRequests;
      return;
    }
    for (const record of this.#sessions.values()) {
      this.#sendGoaway(record, record.maxStreamId);
    }
  }

  /** Resets the next `count` streams with REFUSED_STREAM, leaving their sessions open. */
  refuseStreams(count: number): void {
    this.#refuseCount = count;
  }

  /** Drops every connection without GOAWAY, as a network failure would. */
  dropConnections(): void {
    // node:http2 forbids destroying session.socket, so the raw TLS sockets are kept.
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.release();
    for (const record of this.#sessions.values()) record.session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #track(session: ServerHttp2Session): void {
    this.#sessionCount += 1;
    const record: SessionRecord = {
      number: this.#sessionCount,
      session,
      maxStreamId: 0,
      goawayLastStreamId: undefined,
    };
    this.#sessions.set(session, record);
    session.on('close', () => this.#sessions.delete(session));
    session.on('error', () => {});
  }

  #sendGoaway(record: SessionRecord, lastStreamId: number): void {
    if (record.goawayLastStreamId !== undefined) return;
    record.goawayLastStreamId = lastStreamId;
    this.goaways.push({ session: record.number, lastStreamId });
    const opaqueData = Buffer.from(JSON.stringify({ reason: 'Shutdown' }));
    record.session.goaway(http2.constants.NGHTTP2_NO_ERROR, lastStreamId, opaqueData);
    record.session.close();
  }

  #onStream(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    rawHeaders: string[],
  ): void {
    stream.on('error', () => {});
    const record =
      stream.session === undefined ? undefined : this.#sessions.get(stream.session);
    const streamId = stream.id ?? 0;
    if (record === undefined) {
      stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      return;
    }
    const afterGoaway =
      record.goawayLastStreamId !== undefined && streamId > record.goawayLastStreamId;
    if (afterGoaway || this.#refuseCount > 0) {
      if (!afterGoaway) this.#refuseCount -= 1;
      this.refusedStreams += 1;
      stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      return;
    }

    record.maxStreamId = Math.max(record.maxStreamId, streamId);
    this.#countTowardsGoaway(record, streamId);
    const push: ReceivedPush = {
      session: record.number,
      streamId,
      deviceToken: deviceTokenOf(headers[':path']),
      headers,
      body: '',
    };
    this.received.push(push);
    void this.#respondTo(stream, push, rawHeaders);
  }

  #countTowardsGoaway(record: SessionRecord, streamId: number): void {
    if (this.#goawayCountdown === undefined) return;
    this.#goawayCountdown -= 1;
    if (this.#goawayCountdown > 0) return;
    this.#goawayCountdown = undefined;
    this.#sendGoaway(record, streamId);
  }

  async #respondTo(stream: ServerHttp2Stream, push: ReceivedPush, rawHeaders: string[]) {
    const body = await readBody(stream);
    push.body = body.toString('utf8');
    const socket = stream.session?.socket as TLSSocket | undefined;
    const token = this.#tokens?.check(push.headers.authorization, push.session);
    const violation =
      token?.ok === false
        ? token.violation
        : checkPushRequest({
            headers: push.headers,
            rawHeaders,
            body,
            certificateTopic: certificateTopicOf(socket),
            ...(token === undefined ? {} : { tokenTopics: token.key.topics }),
          });
    const response =
      violation ?? this.#program.get(push.deviceToken?.toLowerCase() ?? '');

    await this.#gate.passed();
    if (stream.destroyed || stream.closed) return;
    respond(stream, push, response);
  }
}
