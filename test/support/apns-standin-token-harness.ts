import { ApnsClient, type ApnsClientOptions } from '../../shared/apns/client.js';
import type { PushRequest, TokenCredential } from '../../shared/apns/types.js';
import { ApnsStandin, type StandinTokenAuth } from './apns-standin.js';
import { silentLogger, testDeviceToken } from './apns-standin-harness.js';
import {
  createTestCa,
  generateTokenKey,
  issueServerCertificate,
  type TestCa,
  type TestIdentity,
  type TestTokenKey,
} from './pki.js';

/** Identifiers in the form of Apple's: 10 upper-case letters and digits. */
export const TEST_KEY_ID = 'KEY1234567';
export const TEST_TEAM_ID = 'TEAM123456';
/** A 60-byte mail topic, long enough for Dovecot 2.3's xaps plugin. */
export const TEST_TOKEN_TOPIC =
  'com.apple.mobilemail.push.com.example.mail.xaps-token-test';

/**
 * A settable clock shared by the client and the stand-in. `apnsSkewMs` puts the
 * stand-in's clock ahead of the client's, as a provider with a slow clock would see it.
 */
export class FakeClock {
  apnsSkewMs = 0;

  constructor(public nowMs = Date.UTC(2026, 0, 1)) {}

  readonly now = (): number => this.nowMs;
  readonly apnsNow = (): number => this.nowMs + this.apnsSkewMs;

  advanceMinutes(minutes: number): void {
    this.nowMs += minutes * 60_000;
  }
}

/** A bearer-token stand-in, its key and clock, and token clients pointed at it. */
export interface TokenHarness {
  standin: ApnsStandin;
  clock: FakeClock;
  key: TestTokenKey;
  credential: TokenCredential;
  ca: TestCa;
  /** Creates a token client on the shared clock; close() closes it too. */
  newClient(options?: Partial<ApnsClientOptions>): ApnsClient;
  push(n: number): PushRequest;
  close(): Promise<void>;
}

export interface TokenHarnessOptions {
  updateScope?: StandinTokenAuth['updateScope'];
}

let sharedTls: { ca: TestCa; server: TestIdentity } | undefined;

/** Starts a stand-in in bearer-token mode that trusts one fresh P-256 key. */
export async function startTokenHarness(
  options: TokenHarnessOptions = {},
): Promise<TokenHarness> {
  sharedTls ??= tlsIdentity();
  const { ca, server } = sharedTls;
  const key = generateTokenKey();
  const clock = new FakeClock();
  const tokenAuth: StandinTokenAuth = {
    keys: [
      {
        keyId: TEST_KEY_ID,
        teamId: TEST_TEAM_ID,
        publicKeyPem: key.publicKeyPem,
        topics: [TEST_TOKEN_TOPIC],
      },
    ],
    now: clock.apnsNow,
  };
  if (options.updateScope !== undefined) tokenAuth.updateScope = options.updateScope;
  const standin = await ApnsStandin.start({
    ca: ca.certPem,
    cert: server.certPem,
    key: server.keyPem,
    tokenAuth,
  });
  const credential: TokenCredential = {
    kind: 'token',
    keyPem: key.keyPem,
    keyId: TEST_KEY_ID,
    teamId: TEST_TEAM_ID,
  };
  const clients: ApnsClient[] = [];

  return {
    standin,
    clock,
    key,
    credential,
    ca,
    newClient(clientOptions = {}) {
      const client = new ApnsClient({
        credential,
        endpoint: standin.url,
        ca: ca.certPem,
        logger: silentLogger,
        now: clock.now,
        ...clientOptions,
      });
      clients.push(client);
      return client;
    },
    push(n) {
      return {
        deviceToken: testDeviceToken(n),
        topic: TEST_TOKEN_TOPIC,
        accountId: '0715A26B-0000-0000-0000-793000CA982E',
      };
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await standin.close();
    },
  };
}

function tlsIdentity(): { ca: TestCa; server: TestIdentity } {
  const ca = createTestCa();
  return { ca, server: issueServerCertificate(ca) };
}
