import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ShimMailboxEvent } from '../../../shared/mail-events/types.js';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import { awsEmulator } from '../../support/aws-env.js';
import { useTestTable } from '../../support/aws-resources.js';
import {
  eventually,
  notifyBody,
  post,
  putCredentialConfig,
  type RunningAwsShim,
  registerBody,
  startAwsShim,
} from '../../support/aws-shim-harness.js';
import { useTestTopicQueue } from '../../support/aws-topic-queue.js';
import {
  itemAt,
  randomDeviceToken,
  registrationInput,
  uniqueUser,
} from '../../support/registrations-fixtures.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

const table = useTestTable('shim-notify');
const topic = useTestTopicQueue('shim-notify');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let proxy: TcpProxy;
const running: RunningAwsShim[] = [];
const dataDirs: string[] = [];

beforeAll(async () => {
  proxy = await TcpProxy.forUrl(awsEmulator().endpoint);
  await putCredentialConfig(table().client, table().tableName);
});

afterAll(async () => {
  await proxy.close();
});

afterEach(async () => {
  for (const shim of running.splice(0)) {
    await shim.stop();
  }
  for (const dir of dataDirs.splice(0)) {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Starts a shim whose AWS calls go through the proxy; no refresh runs during a test. */
async function start(env: Record<string, string> = {}): Promise<RunningAwsShim> {
  const dataDir = await mkdtemp(join(tmpdir(), 'xaps-aws-notify-'));
  dataDirs.push(dataDir);
  const shim = await startAwsShim({
    tableName: table().tableName,
    snsTopicArn: topic().topicArn,
    dataDir,
    endpoint: proxy.url,
    env: {
      XAPS_USERS_REFRESH_SECONDS: '3600',
      XAPS_CREDENTIAL_REFRESH_SECONDS: '3600',
      ...env,
    },
  });
  running.push(shim);
  return shim;
}

async function registeredUser(shim: RunningAwsShim): Promise<string> {
  const user = uniqueUser('notify');
  await post(shim.port, '/register', registerBody(user, randomDeviceToken()));
  return user;
}

describe('AWS-mode /notify for a registered user', () => {
  it('answers 200 once queued', async () => {
    const shim = await start();
    const user = await registeredUser(shim);

    const answer = await post(shim.port, '/notify', notifyBody(user));
    await topic().receive(1);

    expect(answer.status).toBe(200);
  });

  it('publishes an SNS notification', async () => {
    const shim = await start();
    const user = await registeredUser(shim);

    await post(shim.port, '/notify', notifyBody(user));
    const envelope = itemAt(await topic().receive(1), 0);

    expect(envelope.Type).toBe('Notification');
    expect(envelope.TopicArn).toBe(topic().topicArn);
  });

  it('carries a ShimMailboxEvent message', async () => {
    const shim = await start();
    const user = await registeredUser(shim);

    await post(
      shim.port,
      '/notify',
      notifyBody(user, 'Sent Messages', ['MessageAppend']),
    );
    const envelope = itemAt(await topic().receive(1), 0);
    const event = JSON.parse(envelope.Message) as ShimMailboxEvent;

    expect(event).toEqual({
      type: 'xaps.mailbox-event',
      formatVersion: 1,
      eventId: expect.stringMatching(UUID),
      user,
      mailbox: 'Sent Messages',
      events: ['MessageAppend'],
      receivedAt: expect.any(String),
    });
    expect(new Date(event.receivedAt).toISOString()).toBe(event.receivedAt);
  });

  it('publishes the mapped username', async () => {
    const shim = await start();
    const user = await registeredUser(shim);

    await post(shim.port, '/notify', notifyBody(user.toUpperCase()));
    const envelope = itemAt(await topic().receive(1), 0);

    expect((JSON.parse(envelope.Message) as ShimMailboxEvent).user).toBe(user);
  });

  it('gives each event its own id', async () => {
    const shim = await start();
    const user = await registeredUser(shim);

    await post(shim.port, '/notify', notifyBody(user));
    await post(shim.port, '/notify', notifyBody(user));
    const envelopes = await topic().receive(2);
    const ids = envelopes.map((e) => (JSON.parse(e.Message) as ShimMailboxEvent).eventId);

    expect(new Set(ids).size).toBe(2);
  });
});

describe('AWS-mode /notify without devices', () => {
  it('answers 404 for unknown user', async () => {
    const shim = await start();

    const answer = await post(shim.port, '/notify', notifyBody(uniqueUser('unknown')));

    expect(answer.status).toBe(404);
  });

  it('makes no AWS call', async () => {
    const shim = await start();
    const before = { accepted: proxy.accepted, bytes: proxy.bytesToTarget };

    await post(shim.port, '/notify', notifyBody(uniqueUser('unknown')));
    // Stopping waits for queued publishes, so one started after the response is counted too.
    await shim.stop();

    expect(proxy.accepted).toBe(before.accepted);
    expect(proxy.bytesToTarget).toBe(before.bytes);
  });

  it('skips events not configured', async () => {
    const shim = await start();
    const user = await registeredUser(shim);
    const before = proxy.bytesToTarget;

    const answer = await post(
      shim.port,
      '/notify',
      notifyBody(user, 'INBOX', ['FlagsSet']),
    );
    await shim.stop();

    expect(answer.status).toBe(204);
    expect(proxy.bytesToTarget).toBe(before);
  });
});

describe('AWS-mode registered users', () => {
  it('loads users at start', async () => {
    const store = new DynamoDbRegistrationStore({
      client: table().client,
      tableName: table().tableName,
    });
    const input = registrationInput({ user: uniqueUser('elsewhere') });
    await store.upsert(input);
    const shim = await start();

    const answer = await post(shim.port, '/notify', notifyBody(input.user));
    await topic().receive(1);

    expect(answer.status).toBe(200);
  });

  it('picks up users on refresh', async () => {
    const shim = await start({ XAPS_USERS_REFRESH_SECONDS: '1' });
    const store = new DynamoDbRegistrationStore({
      client: table().client,
      tableName: table().tableName,
    });
    const input = registrationInput({ user: uniqueUser('later') });
    await store.upsert(input);

    const status = await eventually(async () => {
      const answer = await post(shim.port, '/notify', notifyBody(input.user));
      return answer.status === 404 ? undefined : answer.status;
    });
    await topic().receive(1);

    expect(status).toBe(200);
  });
});
