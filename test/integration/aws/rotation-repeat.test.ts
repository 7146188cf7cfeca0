import { randomUUID } from 'node:crypto';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_CONFIG_KEY } from '../../../shared/credentials/stored-credential.js';
import {
  holders,
  type RotationHarness,
  startRotationHarness,
} from './rotation-harness.js';

let rotation: RotationHarness;

beforeAll(async () => {
  rotation = await startRotationHarness('rotation-repeat');
});

afterAll(async () => {
  await rotation.close();
});

async function secretWithUpload() {
  const { secretId, versionId } = await rotation.newSecret(rotation.developer());
  await rotation.upload(secretId, rotation.developer());
  return { secretId, firstVersion: versionId };
}

describe('repeated rotation steps', () => {
  it('creates the pending version once', async () => {
    const { secretId } = await secretWithUpload();
    const token = randomUUID();

    const first = await rotation.step('createSecret', secretId, token);
    const second = await rotation.step('createSecret', secretId, token);
    const stages = await rotation.stages(secretId);

    expect(first.outcome).toBe('created-from-upload');
    expect(second.outcome).toBe('already-created');
    expect(holders(stages, 'AWSPENDING')).toEqual([token]);
    expect(Object.keys(stages)).toHaveLength(3);
  });

  it('repeats setSecret and testSecret', async () => {
    const { secretId } = await secretWithUpload();
    const token = randomUUID();
    await rotation.step('createSecret', secretId, token);

    const sets = [
      await rotation.step('setSecret', secretId, token),
      await rotation.step('setSecret', secretId, token),
    ];
    const tests = [
      await rotation.step('testSecret', secretId, token),
      await rotation.step('testSecret', secretId, token),
    ];

    expect(sets.map((result) => result.outcome)).toEqual([
      'nothing-to-set',
      'nothing-to-set',
    ]);
    expect(tests.map((result) => result.outcome)).toEqual(['accepted', 'accepted']);
  });

  it('finishes twice to the same labels', async () => {
    const { secretId, firstVersion } = await secretWithUpload();
    const token = randomUUID();
    await rotation.rotate(secretId, token);

    const again = await rotation.step('finishSecret', secretId, token);
    const stages = await rotation.stages(secretId);

    expect(again.outcome).toMatchObject({ labels: 'already-current' });
    expect(holders(stages, 'AWSCURRENT')).toEqual([token]);
    expect(holders(stages, 'AWSPREVIOUS')).toEqual([firstVersion]);
    expect(holders(stages, 'AWSPENDING')).toEqual([]);
  });

  it('rewrites the config item on a repeat', async () => {
    const { secretId } = await secretWithUpload();
    const token = randomUUID();
    await rotation.rotate(secretId, token);
    await DynamoDBDocumentClient.from(rotation.table.client).send(
      new DeleteCommand({
        TableName: rotation.table.tableName,
        Key: CREDENTIAL_CONFIG_KEY,
      }),
    );

    await rotation.step('finishSecret', secretId, token);

    expect((await rotation.config())?.secretVersionId).toBe(token);
  });

  it('passes later steps once current', async () => {
    const { secretId } = await secretWithUpload();
    const token = randomUUID();
    await rotation.rotate(secretId, token);

    const create = await rotation.step('createSecret', secretId, token);
    const test = await rotation.step('testSecret', secretId, token);

    expect(create.outcome).toBe('already-current');
    expect(test.outcome).toBe('already-current');
  });
});

describe('rotation with nothing to rotate', () => {
  it('creates no pending version', async () => {
    const { secretId, versionId } = await rotation.newSecret(rotation.developer());
    const token = randomUUID();

    const results = await rotation.rotate(secretId, token);
    const stages = await rotation.stages(secretId);

    expect(results.map((result) => result.outcome)).toEqual([
      'nothing-to-rotate',
      'nothing-to-set',
      'nothing-to-test',
      expect.objectContaining({ labels: 'nothing-to-finish' }),
    ]);
    expect(stages).toEqual({ [versionId]: ['AWSCURRENT'] });
  });

  it('still rewrites the config item', async () => {
    const credential = rotation.developer();
    const { secretId, versionId } = await rotation.newSecret(credential);
    await DynamoDBDocumentClient.from(rotation.table.client).send(
      new DeleteCommand({
        TableName: rotation.table.tableName,
        Key: CREDENTIAL_CONFIG_KEY,
      }),
    );

    await rotation.rotate(secretId);
    const config = await rotation.config();

    expect(config?.topic).toBe(credential.topic);
    expect(config?.secretVersionId).toBe(versionId);
  });

  it('ignores an upload already current', async () => {
    const { secretId, versionId } = await rotation.newSecret(rotation.developer());
    const token = randomUUID();
    await rotation.upload(secretId, rotation.developer());
    await rotation.rotate(secretId, token);

    const again = await rotation.rotate(secretId);

    expect(again[0]?.outcome).toBe('nothing-to-rotate');
    expect(holders(await rotation.stages(secretId), 'AWSPREVIOUS')).toEqual([versionId]);
  });
});
