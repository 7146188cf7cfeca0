import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredCredential } from '../../../shared/credentials/stored-credential.js';
import { issuePushCertificate } from '../../support/pki.js';
import { uniqueUser } from '../../support/registrations-fixtures.js';
import { sesMessageId, sesReceivedViaSns } from './push-event-builders.js';
import {
  developerCertificate,
  type PushFunction,
  startPushFunction,
} from './push-harness.js';

let fn: PushFunction;

beforeAll(async () => {
  fn = await startPushFunction('push-credential');
});

afterAll(async () => {
  await fn?.close();
});

function pushesTo(deviceToken: string) {
  return fn.apns.standin.received.filter((push) => push.deviceToken === deviceToken);
}

describe('credential rotation', () => {
  const user = uniqueUser();
  const rotated = () => issuePushCertificate(fn.apns.pki.ca);

  it('pushes with the first credential', async () => {
    const device = await fn.register({ user });
    await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));
    await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    expect(pushesTo(device.deviceToken).map((push) => push.status)).toEqual([200, 200]);
    expect(fn.apns.standin.tlsConnections).toBe(1);
  });

  it('reloads after the version changes', async () => {
    const identity = rotated();
    await fn.storeCredential(developerCertificate(identity));
    const device = await fn.register({ user, topic: identity.topic ?? '' });
    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));
    const [push] = pushesTo(device.deviceToken);

    expect(summary.sent).toBe(1);
    expect(summary.dropped).toEqual([{ reason: 'topic-changed', count: 1 }]);
    expect(push?.headers['apns-topic']).toBe(identity.topic);
    expect(fn.apns.standin.tlsConnections).toBe(2);
  });

  it('rejects an unreadable token key', async () => {
    const tokenKey: StoredCredential = {
      formatVersion: 1,
      kind: 'token-key',
      topic: 'com.apple.mobilemail.push.com.example.mail',
      environment: 'production',
      notAfter: null,
      storedAt: new Date().toISOString(),
      keyPem: '-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n',
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
    };
    await fn.storeCredential(tokenKey);
    const before = fn.apns.standin.received.length;
    const invocation = fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    await expect(invocation).rejects.toThrow(
      /the private key in the keyPem of secret '.*' version .* could not be read/,
    );
    expect(fn.apns.standin.received.length).toBe(before);
  });

  it('rejects a certificate of another topic', async () => {
    const identity = rotated();
    const credential = {
      ...developerCertificate(identity),
      topic: 'com.apple.mail.other',
    };
    await fn.storeCredential(credential);
    const invocation = fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    await expect(invocation).rejects.toThrow(/is for topic '.*' but the secret states/);
  });

  it('acknowledges skipped records without a credential', async () => {
    const event = {
      Records: [
        { EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: 'hello' } },
      ],
    };

    await expect(fn.invoke(event)).resolves.toMatchObject({ events: 0 });
  });
});
