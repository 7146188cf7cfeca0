import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBlocked } from '../../../shared/credentials/credential-block.js';
import { PROBE_DEVICE_TOKEN } from '../../../shared/credentials/rotation/apns-probe.js';
import {
  type CheckDeps,
  checkCredential,
} from '../../../shared/credentials/rotation/check.js';
import { checkRecordOf } from '../../../shared/credentials/rotation/check-record.js';
import { CREDENTIAL_CONFIG_KEY } from '../../../shared/credentials/stored-credential.js';
import { silentLogger } from '../../support/apns-standin-harness.js';
import { type CheckFunction, loadCheckFunction } from './check-harness.js';
import {
  holders,
  type RotationHarness,
  startRotationHarness,
} from './rotation-harness.js';

let rotation: RotationHarness;
let check: CheckFunction;
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  rotation = await startRotationHarness('check-credential');
  check = await loadCheckFunction();
});

afterAll(async () => {
  await check.close();
  await rotation.close();
});

/** Check deps whose RotateSecret runs the four steps through the rotation handler. */
function deps(
  secretId: string,
  overrides: Partial<CheckDeps> = {},
): CheckDeps & {
  started: string[];
} {
  const started: string[] = [];
  return {
    secrets: rotation.secrets,
    dynamodb: rotation.table.client,
    tableName: rotation.table.tableName,
    secretId,
    logger: silentLogger,
    renewalConfigured: false,
    rotate: async (id, token) => {
      started.push(token);
      await rotation.rotate(id, token);
    },
    started,
    ...overrides,
  };
}

async function lastCheck() {
  const { Item } = await DynamoDBDocumentClient.from(rotation.table.client).send(
    new GetCommand({ TableName: rotation.table.tableName, Key: CREDENTIAL_CONFIG_KEY }),
  );
  return checkRecordOf(Item ?? {});
}

describe('check function', () => {
  it('publishes the days to expiry', async () => {
    const { secretId } = await rotation.newSecret(rotation.developer({ validDays: 200 }));

    await check.invoke(secretId);

    expect(check.metricValues('DaysToExpiry').at(-1)).toBe(199);
    expect(check.metricValues('RotationStarted').at(-1)).toBe(0);
  });

  it('publishes the block flag', async () => {
    const { secretId, versionId } = await rotation.newSecret(rotation.developer());
    await setBlocked(rotation.table.client, rotation.table.tableName, {
      reason: 'BadCertificate',
      at: new Date().toISOString(),
      versionId,
    });

    await check.invoke(secretId);

    expect(check.metricValues('CredentialBlocked').at(-1)).toBe(1);
  });

  it('records the check for status', async () => {
    const { secretId } = await rotation.newSecret(rotation.developer({ validDays: 10 }));

    await check.invoke(secretId);
    const record = await lastCheck();

    expect(record?.action).toBe('warning');
    expect(record?.daysLeft).toBe(9);
    expect(record?.renewal).toBe('off');
  });
});

describe('checkCredential rotations', () => {
  it('promotes a waiting upload at once', async () => {
    const { secretId } = await rotation.newSecret(rotation.developer());
    const upload = rotation.developer();
    await rotation.upload(secretId, upload);
    const options = deps(secretId);

    const result = await checkCredential(options);

    expect(result.rotation).toMatchObject({ started: true });
    expect(options.started).toHaveLength(1);
    expect((await rotation.config())?.topic).toBe(upload.topic);
  });

  it('leaves a healthy credential alone', async () => {
    const { secretId } = await rotation.newSecret(rotation.developer());
    const options = deps(secretId);

    const result = await checkCredential(options);

    expect(result.rotation).toBeUndefined();
    expect(options.started).toEqual([]);
  });

  it('renews an XServer certificate when due', async () => {
    const { secretId } = await rotation.newSecret({
      ...rotation.developer({ validDays: 20 }),
      kind: 'xserver-certificate',
      serialNumber: '01',
    });
    const started: string[] = [];

    await checkCredential({
      ...deps(secretId, { renewalConfigured: true }),
      rotate: async (_id, token) => {
        started.push(token);
      },
    });

    expect(started).toHaveLength(1);
    expect((await lastCheck())?.action).toBe('rotation-started');
  });

  it('only warns without renewal', async () => {
    const { secretId } = await rotation.newSecret({
      ...rotation.developer({ validDays: 20 }),
      kind: 'xserver-certificate',
      serialNumber: '01',
    });
    const options = deps(secretId);

    const result = await checkCredential(options);

    expect(options.started).toEqual([]);
    expect(result.plan?.warning?.message).toMatch(/set XAPS_XSERVER_ENDPOINT/);
  });
});

describe('leftover AWSPENDING', () => {
  /** Leaves AWSPENDING on a version, as a rotation refused at testSecret does. */
  async function failedRotation() {
    const { secretId } = await rotation.newSecret(rotation.developer());
    await rotation.upload(secretId, rotation.developer());
    const token = randomUUID();
    rotation.apns.standin.program(PROBE_DEVICE_TOKEN, {
      status: 403,
      reason: 'BadCertificate',
    });
    try {
      await rotation.step('createSecret', secretId, token);
      await expect(rotation.step('testSecret', secretId, token)).rejects.toThrow();
    } finally {
      rotation.apns.standin.unprogram(PROBE_DEVICE_TOKEN);
    }
    return { secretId, token };
  }

  it('clears it before rotating again', async () => {
    const { secretId, token } = await failedRotation();
    const later = new Date(Date.now() + 2 * HOUR_MS);
    const options = deps(secretId, { now: () => later });

    const result = await checkCredential(options);
    const stages = await rotation.stages(secretId);

    expect(result.rotation).toMatchObject({ started: true, clearedPending: token });
    expect(holders(stages, 'AWSCURRENT')).toEqual(options.started);
    expect(holders(stages, 'AWSPENDING')).toEqual([]);
  });

  it('waits for a recent rotation', async () => {
    const { secretId, token } = await failedRotation();
    const options = deps(secretId);

    const result = await checkCredential(options);

    expect(result.rotation).toMatchObject({ started: false });
    expect(options.started).toEqual([]);
    expect(holders(await rotation.stages(secretId), 'AWSPENDING')).toEqual([token]);
  });
});
