import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimItemKey,
  DEFAULT_CLAIM_TTL_SECONDS,
} from '../../../shared/registrations/dynamodb-claims.js';
import type { RegistrationInput } from '../../../shared/registrations/types.js';
import {
  fixtureEvent,
  sesMessageId,
  sesReceivedDirect,
  sesReceivedViaSns,
  shimEventViaSns,
} from './push-event-builders.js';
import { type PushFunction, startPushFunction } from './push-harness.js';

let fn: PushFunction;

beforeAll(async () => {
  fn = await startPushFunction('push-ses');
});

afterAll(async () => {
  await fn?.close();
});

function pushesTo(deviceToken: string) {
  return fn.apns.standin.received.filter((push) => push.deviceToken === deviceToken);
}

describe('SES Received through SNS', () => {
  // The fixtures carry alice@example.com and the same messageId in both SES shapes.
  const fixtureMessageId = 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1';
  let alice: RegistrationInput | undefined;

  it('pushes once to the device', async () => {
    const device = await fn.register({ user: 'alice@example.com' });
    alice = device;
    const summary = await fn.invoke(fixtureEvent('sns-ses-received.json'));
    const [push] = pushesTo(device.deviceToken);

    expect(summary).toMatchObject({ events: 1, sent: 1, deduplicated: 0 });
    expect(pushesTo(device.deviceToken)).toHaveLength(1);
    expect(push?.status).toBe(200);
    expect(push?.headers['apns-topic']).toBe(fn.apns.topic);
    expect(push?.headers['apns-push-type']).toBe('background');
    expect(JSON.parse(push?.body ?? '')).toEqual({
      aps: { 'account-id': device.accountId },
    });
  });

  it('pushes nothing for the same event', async () => {
    const summary = await fn.invoke(fixtureEvent('sns-ses-received.json'));

    expect(summary).toMatchObject({ sent: 0, deduplicated: 1 });
  });

  it('pushes nothing for the direct action', async () => {
    const before = fn.apns.standin.received.length;
    const summary = await fn.invoke(fixtureEvent('ses-lambda-action.json'));

    expect(summary).toMatchObject({ sent: 0, deduplicated: 1 });
    expect(fn.apns.standin.received.length).toBe(before);
  });

  it('keeps the claim with a TTL', async () => {
    const key = claimItemKey({
      eventId: fixtureMessageId,
      user: 'alice@example.com',
      deviceToken: alice?.deviceToken ?? '',
    });
    const doc = DynamoDBDocumentClient.from(fn.table.client);
    const { Item } = await doc.send(
      new GetCommand({ TableName: fn.table.tableName, Key: key }),
    );
    const lifetime = Number(Item?.expiresAt) - Math.floor(Date.now() / 1000);

    expect(lifetime).toBeGreaterThan(DEFAULT_CLAIM_TTL_SECONDS - 600);
    expect(lifetime).toBeLessThanOrEqual(DEFAULT_CLAIM_TTL_SECONDS);
    expect(Item).not.toHaveProperty('deviceToken');
  });

  it('publishes the push metrics', () => {
    const documents = fn.metricDocuments().filter((document) => 'PushesSent' in document);
    const sent = documents.map((document) => document.PushesSent);
    const deduplicated = documents.map((document) => document.PushesDeduplicated);

    expect(sent).toEqual([1, 0, 0]);
    expect(deduplicated).toEqual([0, 1, 1]);
  });
});

describe('recipients and sources', () => {
  it('pushes each mapped user once', async () => {
    const bob = await fn.register({ user: 'bob@example.com' });
    const carol = await fn.register({ user: 'carol@example.com' });
    const recipients = ['Bob+news@Example.com', 'bob@example.com', 'carol@example.com'];
    const summary = await fn.invoke(sesReceivedDirect(sesMessageId(), recipients));

    expect(summary).toMatchObject({ events: 2, sent: 2 });
    expect(pushesTo(bob.deviceToken)).toHaveLength(1);
    expect(pushesTo(carol.deviceToken)).toHaveLength(1);
  });

  it('pushes a shim event once', async () => {
    const dave = await fn.register({ user: 'dave', mailboxes: ['INBOX', 'Entwürfe'] });
    const event = shimEventViaSns('shim-event-1', 'dave', 'Entwürfe');
    await fn.invoke(event);
    const again = await fn.invoke(event);

    expect(pushesTo(dave.deviceToken)).toHaveLength(1);
    expect(again.deduplicated).toBe(1);
  });

  it('reuses one APNs connection', () => {
    expect(fn.apns.standin.tlsConnections).toBe(1);
  });
});

describe('messages without new mail', () => {
  it.each([
    'sns-ses-bounce.json',
    'sns-ses-complaint.json',
    'sns-ses-validation.json',
    'sns-malformed-json.json',
  ])('acknowledges %s', async (name) => {
    const before = fn.apns.standin.received.length;
    const summary = await fn.invoke(fixtureEvent(name));

    expect(summary.events).toBe(0);
    expect(fn.apns.standin.received.length).toBe(before);
  });

  it('drops a user without devices', async () => {
    const summary = await fn.invoke(
      sesReceivedViaSns(sesMessageId(), ['nobody@example.com']),
    );

    expect(summary.dropped).toEqual([{ reason: 'no-devices', count: 1 }]);
  });
});
