import { randomUUID } from 'node:crypto';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotationStep } from '../../../shared/credentials/rotation/rotation-types.js';
import { UPLOADED_LABEL } from '../../../shared/credentials/rotation/secret-versions.js';
import { readCredentialConfig } from '../../../shared/credentials/secret-store.js';
import { AwsStatus } from '../../../shim/aws/aws-status.js';
import { CredentialTopic } from '../../../shim/aws/credential-topic.js';
import { TopicFile } from '../../../shim/topic-file.js';
import { silentLogger } from '../../support/apns-standin-harness.js';
import { createTempDir, type TempDir } from '../../support/pki.js';
import { uniqueUser } from '../../support/registrations-fixtures.js';
import { sesMessageId, sesReceivedViaSns } from './push-event-builders.js';
import { type PushFunction, startPushFunction } from './push-harness.js';
import { developerCredential, lambdaContext } from './rotation-harness.js';

let fn: PushFunction;
let temp: TempDir;
let topic: CredentialTopic;
let rotateStep: (step: RotationStep, token: string) => Promise<unknown>;
const user = uniqueUser();
const newCredential = () => developerCredential(fn.apns);
let next: ReturnType<typeof newCredential>;

beforeAll(async () => {
  fn = await startPushFunction('rotation-topic');
  temp = await createTempDir('xaps-rotation-topic-');
  const { handler } = await import('../../../functions/rotate-credential/handler.js');
  rotateStep = (step, token) =>
    handler(
      { Step: step, SecretId: fn.secret.secretId, ClientRequestToken: token },
      lambdaContext(),
    );
  topic = new CredentialTopic({
    read: () => readCredentialConfig(fn.table.client, fn.table.tableName),
    topicFile: new TopicFile(temp.path),
    logger: silentLogger,
    status: new AwsStatus(),
    timeoutMs: 2_000,
    refreshMs: 60_000,
  });
  next = newCredential();
});

afterAll(async () => {
  const { closeRotationRuntime } = await import(
    '../../../functions/rotate-credential/runtime.js'
  );
  closeRotationRuntime();
  await fn?.close();
  await temp?.remove();
});

describe('rotation to another topic', () => {
  it('starts on the old topic', async () => {
    await fn.register({ user });
    await topic.refresh();

    expect(topic.current()).toBe(fn.apns.topic);
  });

  it('rotates to the uploaded topic', async () => {
    await fn.secret.client.send(
      new PutSecretValueCommand({
        SecretId: fn.secret.secretId,
        SecretString: JSON.stringify(next),
        VersionStages: [UPLOADED_LABEL],
      }),
    );
    const token = randomUUID();

    for (const step of [
      'createSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
    ] as const) {
      await rotateStep(step, token);
    }

    expect((await readCredentialConfig(fn.table.client, fn.table.tableName))?.topic).toBe(
      next.topic,
    );
  });

  it('skips devices of the old topic', async () => {
    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    expect(summary.sent).toBe(0);
    expect(summary.dropped).toEqual([{ reason: 'topic-changed', count: 1 }]);
  });

  it('keeps their registrations', async () => {
    const registrations = await fn.store.listByUser(user);

    expect(registrations.map((registration) => registration.topic)).toEqual([
      fn.apns.topic,
    ]);
  });

  it('hands out the new topic', async () => {
    await topic.refresh();

    expect(topic.current()).toBe(next.topic);
  });

  it('pushes devices that registered again', async () => {
    await fn.register({ user, topic: next.topic });

    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    expect(summary.sent).toBe(1);
  });
});
