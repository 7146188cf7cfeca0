import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCredentialConfig } from '../../../shared/credentials/secret-store.js';
import {
  TEST_KEY_ID,
  TEST_TEAM_ID,
  TEST_TOKEN_TOPIC,
} from '../../support/apns-standin-token-harness.js';
import { generateTokenKey } from '../../support/pki.js';
import { decodeBearerToken } from '../../support/provider-token-check.js';
import { uniqueUser } from '../../support/registrations-fixtures.js';
import { sesMessageId, sesReceivedViaSns } from './push-event-builders.js';
import { type PushFunction, startPushFunction, storedTokenKey } from './push-harness.js';

// The push function with a stored token key, against the stand-in in bearer-token mode:
// the stand-in accepts a push only with a JWT that its configured public key verifies.
let fn: PushFunction;

beforeAll(async () => {
  fn = await startPushFunction('push-token-key', { tokenKey: true });
});

afterAll(async () => {
  await fn?.close();
});

function pushesTo(deviceToken: string) {
  return fn.apns.standin.received.filter((push) => push.deviceToken === deviceToken);
}

describe('push function with a token key', () => {
  const user = uniqueUser('token');

  it('pushes once with a bearer JWT', async () => {
    const device = await fn.register({ user });

    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));
    const pushes = pushesTo(device.deviceToken);
    const token = decodeBearerToken(pushes[0]?.headers.authorization);

    expect(summary.sent).toBe(1);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.status).toBe(200);
    expect(pushes[0]?.headers['apns-topic']).toBe(TEST_TOKEN_TOPIC);
    expect(token.header).toEqual({ alg: 'ES256', kid: TEST_KEY_ID });
    expect(token.claims.iss).toBe(TEST_TEAM_ID);
    expect(token.signedBy(fn.tokenKey?.publicKeyPem ?? '')).toBe(true);
  });

  it('presents no client certificate', () => {
    expect(fn.apns.standin.tlsConnections).toBe(1);
    expect(fn.apns.standin.clientCertificates).toBe(0);
  });

  it('reuses the JWT when warm', async () => {
    const device = await fn.register({ user: uniqueUser('token-warm') });
    const recipient = device.user;

    await fn.invoke(sesReceivedViaSns(sesMessageId(), [recipient]));

    expect(pushesTo(device.deviceToken).map((push) => push.status)).toEqual([200]);
    expect(fn.apns.standin.distinctProviderTokens).toBe(1);
    expect(fn.apns.standin.tlsConnections).toBe(1);
  });

  it('blocks an unknown token key', async () => {
    await fn.storeCredential(storedTokenKey(generateTokenKey()));
    const device = await fn.register({ user: uniqueUser('token-unknown') });

    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [device.user]));
    const [push] = pushesTo(device.deviceToken);

    const config = await readCredentialConfig(fn.table.client, fn.table.tableName);

    expect(summary.sent).toBe(0);
    expect(push?.status).toBe(403);
    expect(push?.reason).toBe('InvalidProviderToken');
    expect(config?.block?.reason).toBe('InvalidProviderToken');
  });
});
