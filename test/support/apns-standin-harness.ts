import { Logger } from '@aws-lambda-powertools/logger';
import { ApnsClient, type ApnsClientOptions } from '../../shared/apns/client.js';
import type {
  CertificateCredential,
  PushOutcome,
  PushRequest,
} from '../../shared/apns/types.js';
import { ApnsStandin, type StandinTokenAuth } from './apns-standin.js';
import { createTestPki, type TestPki } from './pki.js';

/** A stand-in on loopback, the PKI it trusts, and clients pointed at it. */
export interface ApnsHarness {
  pki: TestPki;
  standin: ApnsStandin;
  credential: CertificateCredential;
  /** The client certificate's subject UID, or the topic given in the options. */
  topic: string;
  /** Creates a client for the stand-in; close() closes it too. */
  newClient(options?: Partial<ApnsClientOptions>): ApnsClient;
  /** Builds a push to the n-th test device, with the harness topic. */
  push(n: number, accountId?: string): PushRequest;
  close(): Promise<void>;
}

/** Returns the n-th test device token: 64 lower-case hex characters. */
export function testDeviceToken(n: number): string {
  return `d${n.toString(16).padStart(63, '0')}`;
}

/** Returns the reason of any outcome but a delivery. */
export function reasonOf(outcome: PushOutcome): string | undefined {
  return outcome.kind === 'delivered' ? undefined : outcome.reason;
}

/** Logs nothing: tests assert on outcomes, not on log lines. */
export const silentLogger = new Logger({ serviceName: 'apns-test', logLevel: 'SILENT' });

let sharedPki: TestPki | undefined;

export interface ApnsHarnessOptions {
  /** Starts the stand-in in bearer-token mode, trusting these keys. */
  tokenAuth?: StandinTokenAuth;
  /** Topic of push(); default the client certificate's subject UID. */
  topic?: string;
}

/**
 * Starts a stand-in. The test PKI is made once per test file (RSA key generation is
 * the slow part) unless `pki` is given.
 */
export async function startApnsHarness(
  pki: TestPki = fileScopedPki(),
  options: ApnsHarnessOptions = {},
): Promise<ApnsHarness> {
  const topic = options.topic ?? pki.client.topic ?? '';
  const standin = await ApnsStandin.start({
    ca: pki.ca.certPem,
    cert: pki.server.certPem,
    key: pki.server.keyPem,
    ...(options.tokenAuth === undefined ? {} : { tokenAuth: options.tokenAuth }),
  });
  const credential: CertificateCredential = {
    kind: 'certificate',
    certPem: pki.client.certPem,
    keyPem: pki.client.keyPem,
  };
  const clients: ApnsClient[] = [];

  return {
    pki,
    standin,
    credential,
    topic,
    newClient(options = {}) {
      const client = new ApnsClient({
        credential,
        endpoint: standin.url,
        ca: pki.ca.certPem,
        logger: silentLogger,
        ...options,
      });
      clients.push(client);
      return client;
    },
    push(n, accountId = '0715A26B-0000-0000-0000-793000CA982E') {
      return { deviceToken: testDeviceToken(n), topic, accountId };
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await standin.close();
    },
  };
}

function fileScopedPki(): TestPki {
  sharedPki ??= createTestPki();
  return sharedPki;
}
