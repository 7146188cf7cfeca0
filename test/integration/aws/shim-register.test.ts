import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistrationStore } from '../../../shared/registrations/dynamodb-store.js';
import { NO_TOPIC_MESSAGE } from '../../../shim/aws/aws-handlers.js';
import { TOPIC_FILE_NAME } from '../../../shim/topic-file.js';
import { awsEmulator } from '../../support/aws-env.js';
import { useTestTable } from '../../support/aws-resources.js';
import {
  eventually,
  getHealth,
  post,
  putCredentialConfig,
  type RunningAwsShim,
  registerBody,
  SHIM_TOPIC,
  startAwsShim,
} from '../../support/aws-shim-harness.js';
import {
  itemAt,
  randomDeviceToken,
  uniqueUser,
} from '../../support/registrations-fixtures.js';

const table = useTestTable('shim-register');
const emptyTable = useTestTable('shim-register-empty');
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:xaps-shim-register-unused';

const running: RunningAwsShim[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  for (const shim of running.splice(0)) {
    await shim.stop();
  }
  for (const dir of dataDirs.splice(0)) {
    await rm(dir, { recursive: true, force: true });
  }
});

async function start(
  tableName: string,
  env: Record<string, string> = {},
): Promise<RunningAwsShim> {
  const dataDir = await mkdtemp(join(tmpdir(), 'xaps-aws-shim-'));
  dataDirs.push(dataDir);
  const shim = await startAwsShim({
    tableName,
    snsTopicArn: TOPIC_ARN,
    dataDir,
    endpoint: awsEmulator().endpoint,
    env,
  });
  running.push(shim);
  return shim;
}

function storeFor(tableName: string): DynamoDbRegistrationStore {
  return new DynamoDbRegistrationStore({ client: table().client, tableName });
}

describe('AWS-mode /register', () => {
  it('stores registration in DynamoDB', async () => {
    await putCredentialConfig(table().client, table().tableName);
    const shim = await start(table().tableName);
    const user = uniqueUser('register');
    const token = randomDeviceToken();

    await post(shim.port, '/register', registerBody(user, token, ['INBOX', 'Notes']));

    const stored = await storeFor(table().tableName).listByUser(user);
    expect(stored).toHaveLength(1);
    expect(itemAt(stored, 0).deviceToken).toBe(token);
    expect(itemAt(stored, 0).mailboxes).toEqual(['INBOX', 'Notes']);
    expect(itemAt(stored, 0).topic).toBe(SHIM_TOPIC);
  });

  it('answers the config item topic', async () => {
    await putCredentialConfig(table().client, table().tableName);
    const shim = await start(table().tableName);

    const answer = await post(
      shim.port,
      '/register',
      registerBody(uniqueUser('topic'), randomDeviceToken()),
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toBe(SHIM_TOPIC);
  });

  it('caches the topic on disk', async () => {
    await putCredentialConfig(table().client, table().tableName);
    const shim = await start(table().tableName);

    const cached = await readFile(join(shim.dataDir, TOPIC_FILE_NAME), 'utf8');

    expect(cached).toBe(SHIM_TOPIC);
  });

  it('follows a changed topic', async () => {
    await putCredentialConfig(table().client, table().tableName);
    const shim = await start(table().tableName, { XAPS_CREDENTIAL_REFRESH_SECONDS: '1' });
    const changed = `${SHIM_TOPIC.slice(0, -4)}beef`;

    await putCredentialConfig(table().client, table().tableName, changed);
    const body = await eventually(async () => {
      const answer = await post(
        shim.port,
        '/register',
        registerBody(uniqueUser('changed'), randomDeviceToken()),
      );
      return answer.body === changed ? answer.body : undefined;
    });

    expect(body).toBe(changed);
    await putCredentialConfig(table().client, table().tableName);
  });

  it('answers 503 without any topic', async () => {
    const shim = await start(emptyTable().tableName);

    const answer = await post(
      shim.port,
      '/register',
      registerBody(uniqueUser('none'), randomDeviceToken()),
    );

    expect(answer.status).toBe(503);
    expect(answer.body).toBe(NO_TOPIC_MESSAGE);
  });
});

describe('AWS-mode /health', () => {
  it('answers 200 when AWS answers', async () => {
    await putCredentialConfig(table().client, table().tableName);
    const shim = await start(table().tableName);

    const health = await getHealth(shim.port);

    expect(health.status).toBe(200);
    expect(health.report.mode).toBe('aws');
  });

  it('shows where the topic came from', async () => {
    await putCredentialConfig(table().client, table().tableName);
    const shim = await start(table().tableName);

    const { report } = await getHealth(shim.port);

    expect(report.topic).toMatchObject({
      topic: SHIM_TOPIC,
      source: 'config-item',
      kind: 'xserver-certificate',
      environment: 'production',
    });
  });
});
