import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { RuleViolation } from './apns-standin-rules.js';

/** Stream-level parts of the APNs stand-in: what it records, reads and sends back. */

/** A programmed error response for one device token. */
export interface ProgrammedResponse {
  status: number;
  reason: string;
  /** Epoch ms, sent with 410 responses. */
  timestamp?: number;
}

/** One request the stand-in read, with the response it sent, once sent. */
export interface ReceivedPush {
  /** 1-based number of the HTTP/2 session that carried it. */
  session: number;
  streamId: number;
  deviceToken: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
  status?: number;
  reason?: string;
}

/** Responds 200 with an apns-id, or an error status with Apple's JSON error body. */
export function respond(
  stream: ServerHttp2Stream,
  push: ReceivedPush,
  response: RuleViolation | ProgrammedResponse | undefined,
): void {
  const requested = push.headers['apns-id'];
  const apnsId = typeof requested === 'string' ? requested : randomUUID();
  const status = response?.status ?? 200;

  push.status = status;
  if (response !== undefined) push.reason = response.reason;
  stream.respond({ ':status': status, 'apns-id': apnsId });
  if (response === undefined) {
    stream.end();
    return;
  }
  const errorBody: Record<string, unknown> = { reason: response.reason };
  if ('timestamp' in response && response.timestamp !== undefined) {
    errorBody.timestamp = response.timestamp;
  }
  stream.end(JSON.stringify(errorBody));
}

export function readBody(stream: ServerHttp2Stream): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** Returns the subject UID of the client certificate on `socket`. */
export function certificateTopicOf(socket: TLSSocket | undefined): string | undefined {
  const subject = socket?.getPeerCertificate().subject as
    | Record<string, unknown>
    | undefined;
  const uid = subject?.UID;
  return typeof uid === 'string' ? uid : undefined;
}

/** Delays responses while closed; pending and later responses go out once released. */
export class ResponseGate {
  #closed: { promise: Promise<void>; open: () => void } | undefined;

  hold(): void {
    if (this.#closed !== undefined) return;
    let open = (): void => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.#closed = { promise, open };
  }

  release(): void {
    this.#closed?.open();
    this.#closed = undefined;
  }

  /** Resolves once the gate is open, waiting again if it was closed meanwhile. */
  async passed(): Promise<void> {
    while (this.#closed !== undefined) await this.#closed.promise;
  }
}
