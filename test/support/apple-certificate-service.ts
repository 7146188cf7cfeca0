import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { build, type PlistValue } from 'plist';
import {
  type CheckedRequest,
  checkRequest,
  type Rejection,
} from './apple-certificate-service-checks.js';
import { PushCertificateIssuer } from './apple-certificate-service-issuer.js';
import type { TestIdentity } from './pki.js';

/**
 * A loopback test double of Apple's XServer certificate service: HTTPS on 127.0.0.1,
 * POST <base>/new and <base>/renew, the request rules of apple-certificate-service-
 * checks.ts, and programmable failures. Tests only; never a default of any code.
 */

/** Failures the stand-in can return for every later request. */
export type CertificateServiceFailure =
  /** ErrorCode -80010 "ServiceType is Invalid.", which Apple returns since late 2024. */
  | 'service-discontinued'
  /** ErrorCode -20358 "Invalid Session". */
  | 'invalid-session'
  /** ErrorCode -80004 for any account. */
  | 'bad-credentials'
  /** HTTP 502 with an HTML page, as a failing front-end proxy sends. */
  | 'html-502'
  /** Closes the connection once the request arrived, without a response. */
  | 'connection-reset'
  /** Reads the request and never responds. */
  | 'no-response';

export interface AppleCertificateServiceOptions {
  /** TLS certificate and key for 127.0.0.1. */
  tls: TestIdentity;
  /** PEM of the vendor root CA whose chains are trusted. */
  vendorRoot: string;
  /** Passwords by Apple ID of the accounts the stand-in accepts. */
  accounts: Record<string, string>;
}

/** One request as the stand-in saw it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  userAgent: string | undefined;
  outcome: 'issued' | 'rejected' | 'failure' | 'not-found';
  rejection?: Rejection;
  checked?: CheckedRequest;
}

export const STANDIN_BASE_PATH = '/pushcert/caservice';

const FAILURE_STATUS: Partial<Record<CertificateServiceFailure, [number, string]>> = {
  'service-discontinued': [-80010, 'ServiceType is Invalid.'],
  'invalid-session': [-20358, 'Invalid Session'],
  'bad-credentials': [-80004, 'Invalid Apple ID or password'],
};

export class AppleCertificateService {
  readonly received: ReceivedRequest[] = [];
  readonly issuer = new PushCertificateIssuer();
  /** Errors thrown by the stand-in's own code; a test may assert there are none. */
  readonly faults: unknown[] = [];
  /** When true, certificates carry CertRequestNo and ServiceType, in reverse order. */
  labelCertificates = false;
  #failure: CertificateServiceFailure | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #vendorRoot: X509Certificate;
  readonly #accounts: Map<string, string>;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: AppleCertificateServiceOptions,
  ) {
    this.#vendorRoot = new X509Certificate(options.vendorRoot);
    this.#accounts = new Map(Object.entries(options.accounts));
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.#handle(request, response).catch((error: unknown) => {
        // A fault in the stand-in itself: respond 500 so that the test fails at once.
        this.faults.push(error);
        if (!response.headersSent) sendHtml(response, 500, 'Internal Server Error');
      });
    });
  }

  /** Starts a stand-in on 127.0.0.1 with a free port; `url` is the endpoint to use. */
  static async start(
    options: AppleCertificateServiceOptions,
  ): Promise<AppleCertificateService> {
    const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const url = `https://127.0.0.1:${port}${STANDIN_BASE_PATH}`;
    return new AppleCertificateService(server, url, options);
  }

  /** Every HTTP request that reached the stand-in, whether it responded or not. */
  get requestCount(): number {
    return this.received.length;
  }

  /** Returns `failure` for every later request; undefined restores normal responses. */
  failWith(failure: CertificateServiceFailure | undefined): void {
    this.#failure = failure;
  }

  /** Stops accepting connections, so later requests are refused; the port stays free. */
  async stopListening(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const operation = operationOf(request.url ?? '');
    const record: ReceivedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      contentType: request.headers['content-type'],
      userAgent: request.headers['user-agent'],
      outcome: 'not-found',
    };
    this.received.push(record);

    if (request.method !== 'POST' || operation === undefined) {
      sendHtml(response, 404, 'Not Found');
      return;
    }
    if (this.#failure !== undefined) {
      record.outcome = 'failure';
      this.#fail(this.#failure, request, response);
      return;
    }
    if (record.contentType !== 'text/x-xml-plist') {
      record.outcome = 'rejected';
      sendHtml(response, 415, 'Unsupported Media Type');
      return;
    }

    const checked = checkRequest({
      operation,
      body,
      vendorRoot: this.#vendorRoot,
      accounts: this.#accounts,
      isIssuedSerial: (serial) => this.issuer.isIssued(serial),
    });
    if ('reason' in checked) {
      record.outcome = 'rejected';
      record.rejection = checked;
      sendPlist(response, statusPlist(checked.errorCode, checked.message));
      return;
    }

    record.outcome = 'issued';
    record.checked = checked;
    sendPlist(response, this.#issueAll(checked));
  }

  #issueAll(checked: CheckedRequest): PlistValue {
    const entries = checked.requests.map((certRequest) => {
      const issued = this.issuer.issue(certRequest, checked.appleId);
      return this.labelCertificates
        ? {
            Certificate: issued.certPem,
            CertRequestNo: certRequest.requestNumber,
            ServiceType: certRequest.serviceType,
          }
        : { Certificate: issued.certPem };
    });
    if (this.labelCertificates) entries.reverse();
    return {
      Header: checked.header,
      Response: {
        Status: { ErrorCode: 0, ErrorMessage: '', ErrorDescription: '' },
        Certificates: entries,
      },
    };
  }

  #fail(
    failure: CertificateServiceFailure,
    request: IncomingMessage,
    response: ServerResponse,
  ): void {
    const status = FAILURE_STATUS[failure];
    if (status !== undefined) {
      sendPlist(response, statusPlist(status[0], status[1]));
    } else if (failure === 'html-502') {
      sendHtml(response, 502, 'Bad Gateway');
    } else if (failure === 'connection-reset') {
      request.socket.destroy();
    }
    // 'no-response' leaves the request open until the client gives up or close().
  }
}

function operationOf(path: string): 'new' | 'renew' | undefined {
  if (path === `${STANDIN_BASE_PATH}/new`) return 'new';
  if (path === `${STANDIN_BASE_PATH}/renew`) return 'renew';
  return undefined;
}

function statusPlist(errorCode: number, message: string): PlistValue {
  return {
    Response: {
      Status: { ErrorCode: errorCode, ErrorMessage: message, ErrorDescription: '' },
    },
  };
}

function sendPlist(response: ServerResponse, document: PlistValue): void {
  const body = build(document);
  response.writeHead(200, {
    'Content-Type': 'text/x-xml-plist',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

function sendHtml(response: ServerResponse, status: number, title: string): void {
  const body = `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`;
  response.writeHead(status, {
    'Content-Type': 'text/html',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
