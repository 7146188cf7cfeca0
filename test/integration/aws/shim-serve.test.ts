import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShimMailboxEvent } from '../../../shared/mail-events/types.js';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import { freePort, logRecord, type ServeProcess, spawnCli } from '../../e2e/processes.js';
import { useTestTable } from '../../support/aws-resources.js';
import {
  notifyBody,
  post,
  putCredentialConfig,
  registerBody,
  SHIM_TOPIC,
} from '../../support/aws-shim-harness.js';
import { useTestTopicQueue } from '../../support/aws-topic-queue.js';
import {
  itemAt,
  randomDeviceToken,
  uniqueUser,
} from '../../support/registrations-fixtures.js';

const table = useTestTable('shim-serve');
const topic = useTestTopicQueue('shim-serve');

let dataDir: string;
let serve: ServeProcess;
let port: number;

beforeAll(async () => {
  await putCredentialConfig(table().client, table().tableName);
  dataDir = await mkdtemp(join(tmpdir(), 'xaps-aws-serve-'));
  port = await freePort();
  // AWS_ENDPOINT_URL and the dummy credentials come from the AWS test setup.
  serve = spawnCli(
    ['serve'],
    {
      ...process.env,
      XAPS_MODE: 'aws',
      XAPS_TABLE_NAME: table().tableName,
      XAPS_SNS_TOPIC_ARN: topic().topicArn,
      XAPS_DATA_DIR: dataDir,
      XAPS_LISTEN: `127.0.0.1:${port}`,
      XAPS_LOG_LEVEL: 'INFO',
    },
    'xaps serve (aws)',
  );
  await serve.waitForLine(
    (line) => logRecord(line)?.message === 'xaps serve started in AWS mode',
    20_000,
  );
});

afterAll(async () => {
  if (serve.child.exitCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('xaps serve with XAPS_MODE=aws', () => {
  it('stores /register in DynamoDB', async () => {
    const user = uniqueUser('serve');
    const token = randomDeviceToken();

    const answer = await post(port, '/register', registerBody(user, token));
    const store = new DynamoDbRegistrationStore({
      client: table().client,
      tableName: table().tableName,
    });
    const stored = await store.listByUser(user);

    expect(answer.body).toBe(SHIM_TOPIC);
    expect(stored.map((row) => row.deviceToken)).toEqual([token]);
  });

  it('publishes /notify to SNS', async () => {
    const user = uniqueUser('serve-notify');
    await post(port, '/register', registerBody(user, randomDeviceToken()));

    await post(port, '/notify', notifyBody(user));
    const envelope = itemAt(await topic().receive(1), 0);

    expect((JSON.parse(envelope.Message) as ShimMailboxEvent).user).toBe(user);
  });

  it('stops cleanly on SIGTERM', async () => {
    serve.child.kill('SIGTERM');
    const code = await serve.exited;

    expect(code).toBe(0);
    expect(
      serve.lines.some((line) => logRecord(line)?.message === 'xaps serve stopped'),
    ).toBe(true);
  });
});
