import { connect, createServer, type Server, type Socket } from 'node:net';

/** How the proxy treats connections. */
export type ProxyState = 'open' | 'refusing' | 'resetting' | 'stalling';

interface Link {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * A loopback TCP proxy in front of a test server that a test can cut and stall:
 * `refuse()` stops listening (connects get ECONNREFUSED), `reset()` accepts and
 * resets, `stall()` accepts but forwards no byte, `restore()` forwards again.
 * Counts connections and bytes, so a test can check that no request went through.
 */
export class TcpProxy {
  /** Connections accepted, in any state. */
  accepted = 0;
  /** Bytes forwarded from clients to the target. */
  bytesToTarget = 0;
  /** Bytes forwarded from the target to clients. */
  bytesFromTarget = 0;
  private state: ProxyState = 'open';
  private readonly links = new Set<Link>();
  private readonly server: Server;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
    server: Server,
  ) {
    this.server = server;
    server.on('connection', (client) => this.accept(client));
  }

  /** Starts a proxy on an ephemeral 127.0.0.1 port, forwarding to `target`. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    const port = await listen(server, 0);
    return new TcpProxy(target, port, server);
  }

  /** Starts a proxy in front of an http:// URL's host and port. */
  static forUrl(url: string): Promise<TcpProxy> {
    const parsed = new URL(url);
    return TcpProxy.start({ host: parsed.hostname, port: Number(parsed.port) });
  }

  /** The proxy as an http:// endpoint. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get current(): ProxyState {
    return this.state;
  }

  /** Stops listening, so new connections are refused, and resets open ones. */
  async refuse(): Promise<void> {
    this.state = 'refusing';
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Keeps listening but resets every open and new connection. */
  async reset(): Promise<void> {
    await this.reopen();
    this.state = 'resetting';
    this.resetAll();
  }

  /** Accepts connections but forwards nothing in either direction. */
  async stall(): Promise<void> {
    await this.reopen();
    this.state = 'stalling';
    for (const link of this.links) {
      link.client.pause();
      link.upstream?.pause();
    }
  }

  /**
   * Forwards again. Connections opened or held while cut or stalled are reset: the
   * bytes they held are dropped, as a network path that lost them would.
   */
  async restore(): Promise<void> {
    this.resetAll();
    await this.reopen();
    this.state = 'open';
  }

  /** Resets every connection and stops listening. */
  async close(): Promise<void> {
    this.state = 'refusing';
    this.resetAll();
    if (this.server.listening) {
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }

  private async reopen(): Promise<void> {
    if (!this.server.listening) {
      await listen(this.server, this.port);
    }
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    if (this.state === 'resetting' || this.state === 'refusing') {
      client.resetAndDestroy();
      return;
    }
    const link: Link = { client, upstream: undefined };
    this.links.add(link);
    client.on('error', () => this.drop(link));
    client.on('close', () => this.drop(link));
    if (this.state === 'stalling') {
      client.pause();
      return;
    }

    const upstream = connect(this.target.port, this.target.host);
    link.upstream = upstream;
    upstream.on('error', () => this.drop(link));
    upstream.on('close', () => this.drop(link));
    client.on('data', (chunk: Buffer) => {
      this.bytesToTarget += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      this.bytesFromTarget += chunk.length;
      client.write(chunk);
    });
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) {
      return;
    }
    link.client.destroy();
    link.upstream?.destroy();
  }

  private resetAll(): void {
    for (const link of [...this.links]) {
      this.links.delete(link);
      link.client.resetAndDestroy();
      link.upstream?.resetAndDestroy();
    }
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
