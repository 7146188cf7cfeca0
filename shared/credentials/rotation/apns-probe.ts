import http2 from 'node:http2';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { parseErrorBody } from '../../apns/classify.js';
import { type CaOption, connectOptionsFor } from '../../apns/connect-options.js';
import {
  type ApnsPriority,
  buildPushRequest,
  withProviderToken,
} from '../../apns/request.js';
import type { ApnsCredential } from '../../apns/types.js';
import { signProviderToken } from '../jwt.js';
import { readTokenKey } from '../token-key.js';

/** 64 hex zeros: a well-formed device token that belongs to no device. */
export const PROBE_DEVICE_TOKEN = '0'.repeat(64);
/** account-id of the probe payload. No device receives the probe, so any value works. */
const PROBE_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';
const DEFAULT_TIMEOUT_MS = 10_000;

/** One push of the probe: where, with what, and to which topic. */
export interface ProbeTarget {
  credential: ApnsCredential;
  topic: string;
  /** https origin of APNs, e.g. https://api.push.apple.com. */
  origin: string;
  ca: CaOption | undefined;
  priority: ApnsPriority;
  deviceToken?: string;
  timeoutMs?: number;
  nowMs?: number;
}

/**
 * Result of the probe, by the phase the exchange reached. `handshake-refused` also covers
 * a connection closed right after the handshake, because under TLS 1.3 the server rejects
 * a client certificate that way. `no-answer` covers refused, unresolved and timed out.
 */
export type ProbeResult =
  | { kind: 'response'; status: number; reason: string | undefined }
  | { kind: 'handshake-refused'; detail: string }
  | { kind: 'server-untrusted'; detail: string }
  | { kind: 'no-answer'; detail: string };

// Node reports a server certificate it cannot verify with OpenSSL's verify result names.
const SERVER_VERIFY = /^(ERR_TLS_CERT_ALTNAME_INVALID|[A-Z_]*CERT[A-Z_]*)$/;

/**
 * Opens a new TLS connection to APNs with the credential and sends one background push
 * to an unused device token, with apns-expiration 0 so APNs does not store it. Network
 * and TLS failures resolve to a ProbeResult instead of rejecting.
 */
export function probeApns(target: ProbeTarget): Promise<ProbeResult> {
  const built = buildPushRequest(
    {
      deviceToken: target.deviceToken ?? PROBE_DEVICE_TOKEN,
      topic: target.topic,
      accountId: PROBE_ACCOUNT_ID,
    },
    { expirationSeconds: 0, priority: target.priority },
    target.nowMs ?? Date.now(),
  );
  if (!built.ok) {
    return Promise.resolve({ kind: 'no-answer', detail: `not sent: ${built.reason}` });
  }
  const request = { ...built.request, headers: { ...built.request.headers } };
  request.headers['apns-expiration'] = '0';
  const authorized =
    target.credential.kind === 'token'
      ? withProviderToken(request, providerToken(target.credential, target.nowMs))
      : request;
  return exchange(target, authorized.headers, authorized.body);
}

/** One probe connection: how far it got, and the first error it met. */
interface ProbeConnection {
  session: http2.ClientHttp2Session;
  socket: tls.TLSSocket;
  phase: { tcp: boolean; secure: boolean; goaway: boolean };
  failure: NodeJS.ErrnoException | undefined;
}

/** Connects over TLS (recording each phase reached) and starts HTTP/2 on that socket. */
function connect(target: ProbeTarget): ProbeConnection {
  const url = new URL(target.origin);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const socket = tls.connect({
    ...connectOptionsFor(target.credential, target.ca),
    host,
    port: Number(url.port === '' ? 443 : url.port),
    ALPNProtocols: ['h2'],
    ...(isIP(host) === 0 ? { servername: host } : {}),
  });
  const session = http2.connect(target.origin, { createConnection: () => socket });
  const connection: ProbeConnection = {
    session,
    socket,
    phase: { tcp: false, secure: false, goaway: false },
    failure: undefined,
  };
  const fail = (error: NodeJS.ErrnoException) => {
    connection.failure ??= error;
  };
  socket.once('connect', () => {
    connection.phase.tcp = true;
  });
  socket.once('secureConnect', () => {
    connection.phase.secure = true;
  });
  socket.on('error', fail);
  session.on('error', fail);
  session.on('goaway', () => {
    connection.phase.goaway = true;
  });
  return connection;
}

function exchange(
  target: ProbeTarget,
  headers: http2.OutgoingHttpHeaders,
  body: string,
): Promise<ProbeResult> {
  const connection = connect(target);
  return new Promise<ProbeResult>((resolve) => {
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      connection.session.destroy();
      connection.socket.destroy();
      resolve(result);
    };
    const timeoutMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      finish({ kind: 'no-answer', detail: `no answer from APNs within ${timeoutMs} ms` });
    }, timeoutMs);

    let status: number | undefined;
    const chunks: Buffer[] = [];
    const stream = connection.session.request(headers);
    stream.on('response', (responseHeaders) => {
      status = responseHeaders[':status'];
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error: NodeJS.ErrnoException) => {
      connection.failure ??= error;
    });
    stream.on('close', () => {
      if (status !== undefined) {
        const reason = parseErrorBody(Buffer.concat(chunks).toString('utf8')).reason;
        finish({ kind: 'response', status, reason });
        return;
      }
      // Session errors can land just after the stream closes.
      setImmediate(() => finish(failedResult(connection.failure, connection.phase)));
    });
    stream.end(body);
  });
}

/** Classifies an exchange that ended without an HTTP response. */
function failedResult(
  error: NodeJS.ErrnoException | undefined,
  phase: { tcp: boolean; secure: boolean; goaway: boolean },
): ProbeResult {
  const code = error?.code ?? '';
  const detail = error === undefined ? '' : `${code}: ${error.message.trim()}`;
  if (SERVER_VERIFY.test(code) && !code.startsWith('ERR_SSL_')) {
    return { kind: 'server-untrusted', detail };
  }
  if (!phase.tcp || phase.goaway) {
    return {
      kind: 'no-answer',
      detail: detail || 'the connection ended before TLS began',
    };
  }
  return {
    kind: 'handshake-refused',
    detail:
      detail ||
      'APNs closed the connection after the TLS handshake without a response to the push',
  };
}

function providerToken(
  credential: Extract<ApnsCredential, { kind: 'token' }>,
  nowMs = Date.now(),
): string {
  const key = readTokenKey(credential.keyPem, 'the token key being tested');
  return signProviderToken(key, {
    keyId: credential.keyId,
    teamId: credential.teamId,
    issuedAt: Math.floor(nowMs / 1000),
  });
}
