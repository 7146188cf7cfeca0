import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pluginRequest } from '../../test/unit/shim/raw-http.js';

/** One request as the Dovecot xaps plugin sends it, prepared before the clock starts. */
export interface PreparedRequest {
  /** The request bytes: request line, headers and JSON body. */
  wire: string;
  /** Request kind, copied into the result so the caller can check the status against it. */
  label: string;
}

/** The parts of a response a benchmark checks. */
export interface PluginResponse {
  status: number;
  body: string;
}

/** A timed request: its label, the response and the time to the response's last byte. */
export interface TimedResult extends PluginResponse {
  label: string;
  latencyMs: number;
}

/** Builds a POST to `path` with a JSON body, byte for byte as the plugin does. */
export function prepare(path: string, body: unknown, label: string): PreparedRequest {
  return { wire: pluginRequest(path, JSON.stringify(body)), label };
}

/**
 * One keep-alive HTTP/1.1 connection with one request in flight at a time, as each
 * Dovecot process uses it. Reads responses by Content-Length, which the shim always
 * sends, except on 204, which has no body.
 */
export class PluginConnection {
  #buffer: Buffer = Buffer.alloc(0);
  #pending:
    | { resolve: (r: PluginResponse) => void; reject: (e: Error) => void }
    | undefined;
  #failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('the shim closed the connection')));
  }

  /** Opens a connection to the shim on 127.0.0.1:`port`. */
  static open(port: number): Promise<PluginConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new PluginConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one prepared request and resolves with its complete response. */
  send(wire: string): Promise<PluginResponse> {
    if (this.#failure !== undefined) {
      return Promise.reject(this.#failure);
    }
    if (this.#pending !== undefined) {
      return Promise.reject(
        new Error('a request is already in flight on this connection'),
      );
    }
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.socket.write(wire);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer =
      this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(this.#buffer);
    } catch (error) {
      this.#fail(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
      return;
    }
    if (parsed === undefined) {
      return;
    }
    this.#buffer = this.#buffer.subarray(parsed.consumed);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve(parsed.response);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}

/**
 * Sends `requests` over `connections` keep-alive connections, each with one request in
 * flight (a closed loop), and returns every result in request order with the wall time.
 */
export async function runClosedLoop(
  port: number,
  connections: number,
  requests: readonly PreparedRequest[],
): Promise<{ results: TimedResult[]; wallMs: number }> {
  const pool = await Promise.all(
    Array.from({ length: connections }, () => PluginConnection.open(port)),
  );
  const results: TimedResult[] = new Array(requests.length);
  let next = 0;

  const worker = async (connection: PluginConnection) => {
    for (let index = next++; index < requests.length; index = next++) {
      const request = requests[index];
      if (request === undefined) {
        continue;
      }
      const started = performance.now();
      const response = await connection.send(request.wire);
      const latencyMs = performance.now() - started;
      results[index] = { ...response, label: request.label, latencyMs };
    }
  };

  const started = performance.now();
  try {
    await Promise.all(pool.map(worker));
  } finally {
    for (const connection of pool) connection.close();
  }
  return { results, wallMs: performance.now() - started };
}

/** Parses one complete response at the start of `buffer`, or undefined if incomplete. */
function parseResponse(
  buffer: Buffer,
): { response: PluginResponse; consumed: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) {
    return undefined;
  }
  const head = buffer.subarray(0, headEnd).toString('latin1');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const lengthLine = headerLines.find((line) => /^content-length:/i.test(line));
  if (lengthLine === undefined && status !== 204) {
    throw new Error(`status ${status} response has no Content-Length: ${statusLine}`);
  }

  const length = lengthLine === undefined ? 0 : Number(lengthLine.split(':')[1]);
  const bodyStart = headEnd + 4;
  if (buffer.length < bodyStart + length) {
    return undefined;
  }
  const body = buffer.subarray(bodyStart, bodyStart + length).toString('utf8');
  return { response: { status, body }, consumed: bodyStart + length };
}
