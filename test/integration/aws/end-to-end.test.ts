import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registration } from '../../../shared/registrations/types.js';
import { awsEmulator } from '../../support/aws-env.js';
import {
  notifyBody,
  post,
  type RunningAwsShim,
  registerBody,
  startAwsShim,
} from '../../support/aws-shim-harness.js';
import { type SnsEnvelope, useTestTopicQueue } from '../../support/aws-topic-queue.js';
import { randomDeviceToken, uniqueUser } from '../../support/registrations-fixtures.js';
import {
  fixtureEvent,
  sesMessageId,
  sesReceivedDirect,
  sesReceivedViaSns,
} from './push-event-builders.js';
import { type PushFunction, startPushFunction } from './push-harness.js';

// The whole path on the emulator: Dovecot's /register to the AWS-mode shim, DynamoDB,
// an SES notification through the SNS topic (read back from its SQS subscription), the
// push handler, and the loopback APNs stand-in.
const topic = useTestTopicQueue('end-to-end');
let fn: PushFunction;
let shim: RunningAwsShim;
let dataDir: string;

beforeAll(async () => {
  fn = await startPushFunction('end-to-end', { logLevel: 'DEBUG', quietLogs: true });
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-aws-e2e-'));
  shim = await startAwsShim({
    tableName: fn.table.tableName,
    snsTopicArn: topic().topicArn,
    dataDir,
    endpoint: awsEmulator().endpoint,
  });
});

afterAll(async () => {
  await shim?.stop();
  await fn?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Registers a device through the shim, as the Dovecot plugin does, and returns its row. */
async function registerThroughShim(user: string, token: string): Promise<Registration> {
  const body = registerBody(user, token);
  const answer = await post(shim.port, '/register', body);
  expect(answer.body).toBe(fn.apns.topic);
  const row = (await fn.store.listByUser(user)).find((r) => r.deviceToken === token);
  // The push must carry the account id exactly as the device sent it.
  expect(row?.accountId).toBe(
    (JSON.parse(body) as { ApsAccountId: string }).ApsAccountId,
  );
  if (row === undefined) {
    throw new Error(
      `the shim responded ${answer.status} to /register but stored no row for ${user}`,
    );
  }
  return row;
}

/** Wraps an SNS envelope read from SQS into the event Lambda passes to a subscribed function. */
function lambdaSnsEvent(envelope: SnsEnvelope): unknown {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${envelope.TopicArn}:e2e`,
        Sns: { ...envelope, Subject: null, MessageAttributes: {} },
      },
    ],
  };
}

/** Publishes the Received notification SES would send for `recipients`, as SNS delivers it. */
async function sesMailThroughTopic(messageId: string, recipients: string[]) {
  const wrapped = sesReceivedViaSns(messageId, recipients) as {
    Records: [{ Sns: { Message: string } }];
  };
  const { sns, topicArn } = topic();
  await sns.send(
    new PublishCommand({ TopicArn: topicArn, Message: wrapped.Records[0].Sns.Message }),
  );
  const [envelope] = await topic().receive(1);
  if (envelope === undefined) {
    throw new Error(
      'the SES notification published on the topic never reached the queue',
    );
  }
  return lambdaSnsEvent(envelope);
}

function pushesTo(deviceToken: string) {
  return fn.apns.standin.received.filter((push) => push.deviceToken === deviceToken);
}

describe('SES mail from shim registration to APNs', () => {
  const user = uniqueUser('e2e');
  const token = randomDeviceToken();
  const messageId = sesMessageId();
  let row: Registration | undefined;
  let event: unknown;

  it('stores the shim registration', async () => {
    row = await registerThroughShim(user, token);

    expect(row.topic).toBe(fn.apns.topic);
    expect(row.mailboxes).toEqual(['INBOX']);
  });

  it('pushes once to the device', async () => {
    event = await sesMailThroughTopic(messageId, [user]);
    const summary = await fn.invoke(event);
    const pushes = pushesTo(token);
    const [push] = pushes;

    expect(summary).toMatchObject({ events: 1, sent: 1, removed: 0 });
    expect(pushes).toHaveLength(1);
    expect(push?.status).toBe(200);
    expect(push?.headers['apns-topic']).toBe(fn.apns.topic);
    expect(push?.headers['apns-push-type']).toBe('background');
    expect(JSON.parse(push?.body ?? '')).toEqual({
      aps: { 'account-id': row?.accountId },
    });
  });

  it('ignores the redelivered event', async () => {
    const summary = await fn.invoke(event);

    expect(summary).toMatchObject({ sent: 0, deduplicated: 1 });
    expect(pushesTo(token)).toHaveLength(1);
  });

  it('ignores the direct SES action', async () => {
    const summary = await fn.invoke(sesReceivedDirect(messageId, [user]));

    expect(summary).toMatchObject({ sent: 0, deduplicated: 1 });
    expect(pushesTo(token)).toHaveLength(1);
  });
});

describe('Dovecot notify from shim to APNs', () => {
  it('pushes once per notify', async () => {
    const user = uniqueUser('e2e-notify');
    const token = randomDeviceToken();
    await registerThroughShim(user, token);

    await post(shim.port, '/notify', notifyBody(user));
    const [envelope] = await topic().receive(1);
    const event = lambdaSnsEvent(envelope ?? ({} as SnsEnvelope));
    await fn.invoke(event);
    await fn.invoke(event);

    expect(pushesTo(token).map((push) => push.status)).toEqual([200]);
  });
});

describe('410 for a shim registration', () => {
  it('removes a device dead since registering', async () => {
    const user = uniqueUser('e2e-dead');
    const token = randomDeviceToken();
    const row = await registerThroughShim(user, token);
    fn.apns.standin.program(token, {
      status: 410,
      reason: 'Unregistered',
      timestamp: row.updatedAt + 1,
    });

    const summary = await fn.invoke(await sesMailThroughTopic(sesMessageId(), [user]));

    expect(summary).toMatchObject({ sent: 0, removed: 1 });
    expect(await fn.store.listByUser(user)).toEqual([]);
  });

  it('keeps a device refreshed after it', async () => {
    const user = uniqueUser('e2e-refreshed');
    const token = randomDeviceToken();
    const first = await registerThroughShim(user, token);
    const diedAt = first.updatedAt + 1;
    fn.apns.standin.program(token, {
      status: 410,
      reason: 'Unregistered',
      timestamp: diedAt,
    });
    // The device registers again after APNs saw its token die.
    await sleep(5);
    const refreshed = await registerThroughShim(user, token);

    const summary = await fn.invoke(await sesMailThroughTopic(sesMessageId(), [user]));

    expect(refreshed.updatedAt).toBeGreaterThan(diedAt);
    expect(summary).toMatchObject({ sent: 0, removed: 0 });
    expect(await fn.store.listByUser(user)).toHaveLength(1);
  });
});

describe('log lines of the whole path', () => {
  it('name a skipped bounce', async () => {
    await fn.invoke(fixtureEvent('sns-ses-bounce.json'));
    const skipped = fn
      .logLines()
      .filter((line) => line.includes('"mail event skipped"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(skipped).toContainEqual(
      expect.objectContaining({
        reason: 'ses-not-received',
        sesMessageId: '0100018c1f2e3d4a-b0unce00-0000-4000-8000-000000000021-000000',
      }),
    );
  });

  it('hold no token or key', () => {
    const text = [...fn.logLines(), shim.logger.text()].join('\n');
    const tokens = fn.apns.standin.received.flatMap((push) => push.deviceToken ?? []);
    const keyBody = fn.apns.pki.client.keyPem.split('\n')[1] ?? '';

    expect(fn.logLines().some((line) => line.includes('"level":"DEBUG"'))).toBe(true);
    expect(tokens.length).toBeGreaterThan(3);
    expect(tokens.filter((token) => text.toLowerCase().includes(token))).toEqual([]);
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(keyBody.length).toBeGreaterThan(40);
    expect(text).not.toContain(keyBody);
  });
});
