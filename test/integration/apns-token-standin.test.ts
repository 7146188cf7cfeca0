import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import http2, { type ClientHttp2Session } from 'node:http2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDeviceToken } from '../support/apns-standin-harness.js';
import {
  startTokenHarness,
  TEST_KEY_ID,
  TEST_TEAM_ID,
  TEST_TOKEN_TOPIC,
  type TokenHarness,
} from '../support/apns-standin-token-harness.js';
import { generateTokenKey } from '../support/pki.js';

let harness: TokenHarness;
let key: KeyObject;
const sessions: ClientHttp2Session[] = [];

beforeEach(async () => {
  harness = await startTokenHarness();
  key = createPrivateKey(harness.key.keyPem);
});

afterEach(async () => {
  for (const session of sessions.splice(0)) session.close();
  await harness.close();
});

/** Builds a JWT by hand, so these tests do not rely on the client's signer. */
function jwt(header: object, claims: object, signer: KeyObject = key): string {
  const encode = (value: object) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: signer,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

function validJwt(iatMs = harness.clock.nowMs): string {
  const iat = Math.floor(iatMs / 1000);
  return jwt({ alg: 'ES256', kid: TEST_KEY_ID }, { iss: TEST_TEAM_ID, iat });
}

function connect(): ClientHttp2Session {
  const session = http2.connect(harness.standin.url, { ca: harness.ca.certPem });
  session.on('error', () => {});
  sessions.push(session);
  return session;
}

/** Sends one push on `session` and returns status and reason. */
function send(session: ClientHttp2Session, authorization?: string): Promise<string> {
  const headers: http2.OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': `/3/device/${testDeviceToken(1)}`,
    'apns-topic': TEST_TOKEN_TOPIC,
    'apns-push-type': 'background',
  };
  if (authorization !== undefined) headers.authorization = authorization;
  const stream = session.request(headers);
  return new Promise((resolve, reject) => {
    let status = 0;
    let body = '';
    stream.on('response', (response) => {
      status = Number(response[':status']);
    });
    stream.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    stream.on('end', () => {
      const reason = body === '' ? '' : (JSON.parse(body) as { reason: string }).reason;
      resolve(`${status} ${reason}`.trim());
    });
    stream.on('error', reject);
    stream.end('{"aps":{"account-id":"x"}}');
  });
}

describe('stand-in bearer token checks', () => {
  it('accepts a valid token', async () => {
    expect(await send(connect(), `bearer ${validJwt()}`)).toBe('200');
  });

  it('requires a token', async () => {
    expect(await send(connect())).toBe('403 MissingProviderToken');
  });

  it('rejects a foreign signature', async () => {
    const foreign = createPrivateKey(generateTokenKey().keyPem);
    const token = jwt(
      { alg: 'ES256', kid: TEST_KEY_ID },
      { iss: TEST_TEAM_ID, iat: Math.floor(harness.clock.nowMs / 1000) },
      foreign,
    );

    expect(await send(connect(), `bearer ${token}`)).toBe('403 InvalidProviderToken');
  });

  it('rejects an unknown kid', async () => {
    const iat = Math.floor(harness.clock.nowMs / 1000);
    const token = jwt({ alg: 'ES256', kid: 'OTHER12345' }, { iss: TEST_TEAM_ID, iat });

    expect(await send(connect(), `bearer ${token}`)).toBe('403 InvalidProviderToken');
  });

  it('rejects a wrong iss', async () => {
    const iat = Math.floor(harness.clock.nowMs / 1000);
    const token = jwt({ alg: 'ES256', kid: TEST_KEY_ID }, { iss: 'OTHER12345', iat });

    expect(await send(connect(), `bearer ${token}`)).toBe('403 InvalidProviderToken');
  });

  it('rejects an iat in the future', async () => {
    const token = validJwt(harness.clock.nowMs + 120_000);

    expect(await send(connect(), `bearer ${token}`)).toBe('403 InvalidProviderToken');
  });

  it('expires a token after an hour', async () => {
    const token = validJwt(harness.clock.nowMs - 61 * 60_000);

    expect(await send(connect(), `bearer ${token}`)).toBe('403 ExpiredProviderToken');
  });

  it('limits token updates per connection', async () => {
    const session = connect();
    await send(session, `bearer ${validJwt()}`);
    harness.clock.advanceMinutes(19);
    const tooSoon = await send(session, `bearer ${validJwt()}`);
    const otherConnection = await send(connect(), `bearer ${validJwt()}`);
    harness.clock.advanceMinutes(1);
    const inTime = await send(session, `bearer ${validJwt()}`);

    expect(tooSoon).toBe('429 TooManyProviderTokenUpdates');
    expect(otherConnection).toBe('200');
    expect(inTime).toBe('200');
    expect(harness.standin.distinctProviderTokens).toBe(4);
  });
});
