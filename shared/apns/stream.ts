import { type ClientHttp2Stream, constants } from 'node:http2';
import type { ApnsResponse } from './classify.js';
import type { HttpPushRequest } from './request.js';
import type { ApnsSession } from './sessions.js';

/**
 * Result of one attempt on one session. `refused` means APNs never processed the
 * request, so sending it again cannot deliver it twice.
 */
export type Attempt =
  | ({ kind: 'response' } & ApnsResponse)
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; reason: string; timedOut: boolean }
  | { kind: 'rejected-locally'; reason: string };

/** Sends one request on `entry` and settles on a response, a refusal, a failure or the timeout. */
export function sendAttempt(
  entry: ApnsSession,
  request: HttpPushRequest,
  timeoutMs: number,
): Promise<Attempt> {
  let stream: ClientHttp2Stream;
  try {
    stream = entry.session.request(request.headers);
  } catch (error) {
    return Promise.resolve(requestThrew(error));
  }

  return new Promise((resolve) => {
    let status: number | undefined;
    let apnsId: string | undefined;
    let streamError: Error | undefined;
    const chunks: Buffer[] = [];

    const timer = setTimeout(() => {
      stream.removeAllListeners('close');
      stream.close(constants.NGHTTP2_CANCEL);
      const reason = `RequestTimeout: no response from APNs within ${timeoutMs} ms`;
      resolve({ kind: 'failed', reason, timedOut: true });
    }, timeoutMs);

    stream.on('response', (headers) => {
      entry.responses += 1;
      status = headers[':status'];
      const id = headers['apns-id'];
      apnsId = typeof id === 'string' ? id : undefined;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The outcome is decided on 'close'; the listener keeps a reset from throwing.
    stream.on('error', (error: Error) => {
      streamError = error;
    });
    stream.on('close', () => {
      clearTimeout(timer);
      if (status !== undefined) {
        resolve({
          kind: 'response',
          status,
          apnsId,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        return;
      }
      resolve(withoutResponse(entry, stream, streamError));
    });

    stream.end(request.body);
  });
}

/** Decides whether a stream that closed without a response is safe to send again. */
function withoutResponse(
  entry: ApnsSession,
  stream: ClientHttp2Stream,
  error: Error | undefined,
): Attempt {
  const lastStreamId = entry.goawayLastStreamId;
  const streamId = stream.id;
  const detail = entry.error?.message ?? error?.message ?? closeDetail(entry, stream);

  // RFC 9113 section 6.8: streams above GOAWAY's lastStreamID were not processed.
  if (lastStreamId !== undefined && (streamId === undefined || streamId > lastStreamId)) {
    return { kind: 'refused', reason: `refused by GOAWAY (last stream ${lastStreamId})` };
  }
  // RFC 9113 section 8.7: REFUSED_STREAM means no processing happened.
  if (stream.rstCode === constants.NGHTTP2_REFUSED_STREAM) {
    return { kind: 'refused', reason: 'REFUSED_STREAM' };
  }
  const session = entry.session;
  if (entry.connected && (session.closed || session.destroyed)) {
    // NOTE: APNs may have handled a stream cut off with its session; a resend can
    // then deliver a second, harmless wake-up push.
    return { kind: 'refused', reason: `session closed before a response (${detail})` };
  }
  return { kind: 'failed', reason: `ConnectionError: ${detail}`, timedOut: false };
}

function closeDetail(entry: ApnsSession, stream: ClientHttp2Stream): string {
  if (!entry.session.closed && !entry.session.destroyed) {
    return `stream reset with code ${stream.rstCode}`;
  }
  if (entry.responses === 0) {
    // Under TLS 1.3 the server checks the client certificate after the handshake.
    return 'connection closed before any response; a rejected client certificate ends this way';
  }
  return 'connection closed without GOAWAY';
}

function requestThrew(error: unknown): Attempt {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  // The session closed between acquire() and request(): nothing was sent.
  if (code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION') {
    return { kind: 'refused', reason: message };
  }
  return { kind: 'rejected-locally', reason: `request not sent: ${message}` };
}
