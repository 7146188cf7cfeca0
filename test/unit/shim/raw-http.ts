import { connect, type Socket } from 'node:net';

/** One HTTP response as the Dovecot xaps plugin 2.3 reads it: from the first data chunk. */
export interface FirstChunkResponse {
  /** The first chunk exactly as received. */
  raw: string;
  status: number;
  headers: Map<string, string>;
  /** Bytes after the blank line within the first chunk. */
  body: string;
}

/** Builds a request byte for byte as the Dovecot xaps plugin sends it. */
export function pluginRequest(
  path: string,
  body: string,
  extraHeaders: Record<string, string> = {},
): string {
  const extra = Object.entries(extraHeaders)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (
    `POST ${path} HTTP/1.1\r\n` +
    'Host: [::1]:11619\r\n' +
    'Content-Type: application/json; charset=utf-8\r\n' +
    'Connection: Keep-Alive\r\n' +
    extra +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    '\r\n' +
    body
  );
}

/** A raw TCP connection that sends requests and keeps only each response's first chunk. */
export class RawConnection {
  private constructor(private readonly socket: Socket) {}

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes the request and resolves with the first data chunk of the response. */
  send(request: string): Promise<FirstChunkResponse> {
    return new Promise((resolve, reject) => {
      this.socket.once('data', (chunk: Buffer) =>
        resolve(parseFirstChunk(chunk.toString())),
      );
      this.socket.once('error', reject);
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Opens a connection, sends one request and closes. */
export async function sendOnce(
  port: number,
  request: string,
): Promise<FirstChunkResponse> {
  const connection = await RawConnection.open(port);
  try {
    return await connection.send(request);
  } finally {
    connection.close();
  }
}

function parseFirstChunk(raw: string): FirstChunkResponse {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return {
    raw,
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: split < 0 ? '' : raw.slice(split + 4),
  };
}
