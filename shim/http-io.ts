import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request bodies larger than this are rejected with 413; a registration is under 1 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A request the shim rejects with a 4xx status and a one-line message. */
export class RequestError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'RequestError';
    this.status = status;
  }
}

/** Reports whether the client closed the connection, so no response can reach it. */
export function clientWentAway(req: IncomingMessage, res: ServerResponse): boolean {
  return req.socket.destroyed || res.destroyed;
}

/** Reads and parses a JSON object body; throws RequestError on anything else. */
export async function readJsonObject(
  req: IncomingMessage,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new RequestError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buffer);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    // JSON.parse quotes part of the input in its message, which could be a device token.
    throw new RequestError(400, 'request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestError(400, 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Sends a plain-text body with Content-Length. writeHead followed by a single
 * end(body) makes Node write status line, headers and body in one socket write,
 * which the Dovecot xaps plugin 2.3 needs for /register.
 */
export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Sends a status with no body (204, or a 200 whose body the client ignores). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, status === 204 ? {} : { 'Content-Length': 0 });
  res.end();
}

/** Sends a JSON document with Content-Length. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Returns a string field of a request body, or throws a 400 naming it. */
export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new RequestError(400, `${field} is missing or not a non-empty string`);
  }
  return value;
}
