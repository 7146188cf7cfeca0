import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import type { Registration } from '../../../shared/registrations/types.js';
import { NO_TOPIC_MESSAGE } from '../../../shim/aws/aws-handlers.js';
import { awsEmulator } from '../../support/aws-env.js';
import { useTestTable } from '../../support/aws-resources.js';
import {
  eventually,
  getHealth,
  notifyBody,
  PLUGIN_TIMEOUT_MS,
  post,
  putCredentialConfig,
  type RunningAwsShim,
  registerBody,
  SHIM_TOPIC,
  startAwsShim,
} from '../../support/aws-shim-harness.js';
import { useTestTopicQueue } from '../../support/aws-topic-queue.js';
import { randomDeviceToken, uniqueUser } from '../../support/registrations-fixtures.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

const table = useTestTable('shim-outage');
const topic = useTestTopicQueue('shim-outage');
const TIMEOUT_MS = 400;

let proxy: TcpProxy;
let dataDir: string;
const running: RunningAwsShim[] = [];

beforeAll(async () => {
  await putCredentialConfig(table().client, table().tableName);
});

beforeEach(async () => {
  proxy = await TcpProxy.forUrl(awsEmulator().endpoint);
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-aws-outage-'));
});

afterEach(async () => {
  for (const shim of running.splice(0)) {
    await shim.stop();
  }
  await proxy.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts a shim on the test's data directory, with every AWS call through the proxy. */
async function start(): Promise<RunningAwsShim> {
  const shim = await startAwsShim({
    tableName: table().tableName,
    snsTopicArn: topic().topicArn,
    dataDir,
    endpoint: proxy.url,
    env: { XAPS_AWS_TIMEOUT_MS: String(TIMEOUT_MS) },
  });
  running.push(shim);
  return shim;
}

async function restart(shim: RunningAwsShim): Promise<RunningAwsShim> {
  await shim.stop();
  running.splice(running.indexOf(shim), 1);
  return start();
}

function listStored(user: string): Promise<Registration[]> {
  const store = new DynamoDbRegistrationStore({
    client: table().client,
    tableName: table().tableName,
  });
  return store.listByUser(user);
}

async function register(
  shim: RunningAwsShim,
  user: string,
  token: string,
  boxes?: string[],
) {
  return post(shim.port, '/register', registerBody(user, token, boxes));
}

describe('AWS-mode /register during an outage', () => {
  it('answers topic while refused', async () => {
    const shim = await start();
    await proxy.refuse();

    const answer = await register(shim, uniqueUser('refused'), randomDeviceToken());

    expect(answer.status).toBe(200);
    expect(answer.body).toBe(SHIM_TOPIC);
    expect(answer.elapsedMs).toBeLessThan(PLUGIN_TIMEOUT_MS);
  });

  it('answers topic while reset', async () => {
    const shim = await start();
    await proxy.reset();

    const answer = await register(shim, uniqueUser('reset'), randomDeviceToken());

    expect(answer.status).toBe(200);
    expect(answer.body).toBe(SHIM_TOPIC);
  });

  it('answers topic while stalled', async () => {
    const shim = await start();
    await proxy.stall();

    const answer = await register(shim, uniqueUser('stalled'), randomDeviceToken());

    expect(answer.status).toBe(200);
    expect(answer.body).toBe(SHIM_TOPIC);
    expect(answer.elapsedMs).toBeLessThan(PLUGIN_TIMEOUT_MS);
  });

  it('spools the registration', async () => {
    const shim = await start();
    await proxy.stall();

    await register(shim, uniqueUser('spooled'), randomDeviceToken());

    expect(shim.mode.aws.spool.size).toBe(1);
  });

  it('answers cached topic after restart', async () => {
    const first = await start();
    await proxy.refuse();

    const second = await restart(first);
    const answer = await register(second, uniqueUser('restart'), randomDeviceToken());

    expect(answer.status).toBe(200);
    expect(answer.body).toBe(SHIM_TOPIC);
    expect(answer.elapsedMs).toBeLessThan(PLUGIN_TIMEOUT_MS);
  });

  it('answers cached topic after stalled restart', async () => {
    const first = await start();
    await register(first, uniqueUser('stall-first'), randomDeviceToken());
    await proxy.stall();

    const second = await restart(first);
    const answer = await register(
      second,
      uniqueUser('stall-second'),
      randomDeviceToken(),
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toBe(SHIM_TOPIC);
    expect(answer.elapsedMs).toBeLessThan(PLUGIN_TIMEOUT_MS);
  });

  it('answers 503 with nothing cached', async () => {
    await proxy.refuse();
    const shim = await start();

    const answer = await register(shim, uniqueUser('never'), randomDeviceToken());

    expect(answer.status).toBe(503);
    expect(answer.body).toBe(NO_TOPIC_MESSAGE);
  });
});

describe('AWS-mode /health during an outage', () => {
  it('answers 503 with the spool', async () => {
    const shim = await start();
    await proxy.refuse();
    await register(shim, uniqueUser('health'), randomDeviceToken());

    const health = await getHealth(shim.port);

    expect(health.status).toBe(503);
    expect(health.report.spool).toEqual({ pending: 1 });
    expect(health.report.aws).toMatchObject({ state: 'failing' });
  });
});

describe('AWS-mode spool after an outage', () => {
  it('flushes once the proxy is restored', async () => {
    const shim = await start();
    await proxy.stall();
    const user = uniqueUser('flush');
    const token = randomDeviceToken();
    await register(shim, user, token);

    await proxy.restore();
    await eventually(async () => (shim.mode.aws.spool.size === 0 ? true : undefined));
    const stored = await listStored(user);

    expect(stored.map((row) => row.deviceToken)).toEqual([token]);
  });

  it('keeps the latest write of a device', async () => {
    const shim = await start();
    await proxy.refuse();
    const user = uniqueUser('order');
    const token = randomDeviceToken();
    await register(shim, user, token, ['INBOX']);
    await register(shim, user, randomDeviceToken(), ['INBOX']);
    await register(shim, user, token, ['INBOX', 'Sent Messages']);

    await proxy.restore();
    await eventually(async () => (shim.mode.aws.spool.size === 0 ? true : undefined));
    const latest = (await listStored(user)).find((row) => row.deviceToken === token);

    expect(latest?.mailboxes).toEqual(['INBOX', 'Sent Messages']);
  });

  it('flushes in spool order', async () => {
    const shim = await start();
    await proxy.refuse();
    const user = uniqueUser('sequence');
    for (let i = 0; i < 3; i++) {
      await register(shim, user, randomDeviceToken());
    }

    await proxy.restore();
    await eventually(async () => (shim.mode.aws.spool.size === 0 ? true : undefined));
    const flushed = shim.logger.entries
      .filter((entry) => entry.message === 'spooled registration stored')
      .map((entry) => entry.fields.seq as number);

    expect(flushed).toHaveLength(3);
    expect(flushed).toEqual([...flushed].sort((a, b) => a - b));
  });

  it('replays the spool after restart', async () => {
    const first = await start();
    await proxy.refuse();
    const user = uniqueUser('replay');
    const token = randomDeviceToken();
    await register(first, user, token);

    await restart(first);
    await proxy.restore();
    const stored = await eventually(async () => {
      const rows = await listStored(user);
      return rows.length > 0 ? rows : undefined;
    });

    expect(stored.map((row) => row.deviceToken)).toEqual([token]);
  });

  it('keeps spooled users for notify', async () => {
    const first = await start();
    await proxy.refuse();
    const user = uniqueUser('pending');
    await register(first, user, randomDeviceToken());

    const second = await restart(first);

    expect(second.mode.aws.users.has(user)).toBe(true);
  });
});

describe('AWS-mode /notify during an outage', () => {
  it('logs the failed publish', async () => {
    const shim = await start();
    const user = uniqueUser('publish');
    await register(shim, user, randomDeviceToken());
    await proxy.refuse();

    const answer = await post(shim.port, '/notify', notifyBody(user));
    const failure = await eventually(async () =>
      shim.logger.entries.find((entry) =>
        entry.message.startsWith('publishing the mailbox event failed'),
      ),
    );

    expect(answer.status).toBe(200);
    expect(failure.fields.user).toBe(user);
  });
});
