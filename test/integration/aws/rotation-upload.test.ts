import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBlocked } from '../../../shared/credentials/credential-block.js';
import { PROBE_DEVICE_TOKEN } from '../../../shared/credentials/rotation/apns-probe.js';
import {
  holders,
  type RotationHarness,
  startRotationHarness,
} from './rotation-harness.js';

let rotation: RotationHarness;

beforeAll(async () => {
  rotation = await startRotationHarness('rotation-upload');
});

afterAll(async () => {
  await rotation.close();
});

/** Creates a secret with a current credential and a second one under XAPS_UPLOADED. */
async function secretWithUpload() {
  const first = rotation.developer();
  const second = rotation.developer();
  const { secretId, versionId } = await rotation.newSecret(first);
  const uploaded = await rotation.upload(secretId, second);
  return { secretId, firstVersion: versionId, uploaded, second };
}

describe('rotation of an uploaded credential', () => {
  it('promotes the upload to AWSCURRENT', async () => {
    const { secretId, firstVersion } = await secretWithUpload();
    const token = randomUUID();

    await rotation.rotate(secretId, token);
    const stages = await rotation.stages(secretId);

    expect(holders(stages, 'AWSCURRENT')).toEqual([token]);
    expect(holders(stages, 'AWSPREVIOUS')).toEqual([firstVersion]);
    expect(holders(stages, 'AWSPENDING')).toEqual([]);
    expect(holders(stages, 'XAPS_UPLOADED')).toEqual([]);
  });

  it('rewrites the config item', async () => {
    const { secretId, second } = await secretWithUpload();
    const token = randomUUID();

    await rotation.rotate(secretId, token);
    const config = await rotation.config();

    expect(config?.topic).toBe(second.topic);
    expect(config?.secretVersionId).toBe(token);
    expect(config?.notAfter).toBe(second.notAfter);
  });

  it('reports each step outcome', async () => {
    const { secretId } = await secretWithUpload();

    const results = await rotation.rotate(secretId);

    expect(results.map((result) => result.step)).toEqual([
      'createSecret',
      'setSecret',
      'testSecret',
      'finishSecret',
    ]);
    expect(results[0]?.outcome).toBe('created-from-upload');
    expect(results[2]?.outcome).toBe('accepted');
  });

  it('clears the credential block', async () => {
    const { secretId, firstVersion } = await secretWithUpload();
    const { tableName, client } = rotation.table;
    await setBlocked(client, tableName, {
      reason: 'BadCertificate',
      at: new Date().toISOString(),
      versionId: firstVersion,
    });

    await rotation.rotate(secretId);

    expect((await rotation.config())?.block).toBeUndefined();
  });

  it('proves the new credential against APNs', async () => {
    const { secretId, second } = await secretWithUpload();
    const before = rotation.apns.standin.received.length;

    await rotation.rotate(secretId);
    const probes = rotation.apns.standin.received.slice(before);

    expect(probes.map((push) => push.deviceToken)).toEqual([PROBE_DEVICE_TOKEN]);
    expect(probes[0]?.headers['apns-topic']).toBe(second.topic);
  });

  it('keeps an upload that arrived later', async () => {
    const { secretId } = await secretWithUpload();
    const token = randomUUID();
    await rotation.step('createSecret', secretId, token);
    const later = await rotation.upload(secretId, rotation.developer());

    await rotation.step('testSecret', secretId, token);
    await rotation.step('finishSecret', secretId, token);

    expect(holders(await rotation.stages(secretId), 'XAPS_UPLOADED')).toEqual([later]);
  });
});

describe('rotation rejecting an upload', () => {
  it('fails testSecret on a rejected credential', async () => {
    const { secretId, firstVersion } = await secretWithUpload();
    const token = randomUUID();
    rotation.apns.standin.program(PROBE_DEVICE_TOKEN, {
      status: 403,
      reason: 'Forbidden',
    });
    try {
      await rotation.step('createSecret', secretId, token);

      await expect(rotation.step('testSecret', secretId, token)).rejects.toThrow(
        /responded with 403 Forbidden .*\(rejected: APNs rejected the credential\)/,
      );
      expect(holders(await rotation.stages(secretId), 'AWSCURRENT')).toEqual([
        firstVersion,
      ]);
    } finally {
      rotation.apns.standin.unprogram(PROBE_DEVICE_TOKEN);
    }
  });

  it('fails testSecret when APNs is down', async () => {
    const { secretId } = await secretWithUpload();
    const token = randomUUID();
    rotation.apns.standin.program(PROBE_DEVICE_TOKEN, {
      status: 503,
      reason: 'ServiceUnavailable',
    });
    try {
      await rotation.step('createSecret', secretId, token);

      await expect(rotation.step('testSecret', secretId, token)).rejects.toThrow(
        /\(unknown: .*until a later attempt gets a verdict/,
      );
    } finally {
      rotation.apns.standin.unprogram(PROBE_DEVICE_TOKEN);
    }
  });

  it('refuses an expired upload', async () => {
    const first = rotation.developer();
    const { secretId } = await rotation.newSecret(first);
    const expired = rotation.developer({
      validity: { notBefore: new Date('2020-01-01'), notAfter: new Date('2021-01-01') },
    });
    await rotation.upload(secretId, expired);

    await expect(rotation.step('createSecret', secretId, randomUUID())).rejects.toThrow(
      /XAPS_UPLOADED.* expired on 2021-01-01/,
    );
    expect(holders(await rotation.stages(secretId), 'AWSPENDING')).toEqual([]);
  });
});
