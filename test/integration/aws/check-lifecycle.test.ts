import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCredential } from '../../../cli/commands/credential-import.js';
import type { CliIo } from '../../../cli/io.js';
import { readBlock, setBlocked } from '../../../shared/credentials/credential-block.js';
import { PROBE_DEVICE_TOKEN } from '../../../shared/credentials/rotation/apns-probe.js';
import {
  type CheckDeps,
  checkCredential,
} from '../../../shared/credentials/rotation/check.js';
import { describeVersions } from '../../../shared/credentials/rotation/secret-versions.js';
import type { RotateSecretCall } from '../../../shared/credentials/rotation/start-rotation.js';
import {
  createTempDir,
  issuePushCertificate,
  type TempDir,
  writePemFiles,
} from '../../support/pki.js';
import {
  holders,
  type RotationHarness,
  startRotationHarness,
} from './rotation-harness.js';

let rotation: RotationHarness;
let temp: TempDir;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  rotation = await startRotationHarness('check-lifecycle');
  temp = await createTempDir('xaps-check-lifecycle-');
});

afterAll(async () => {
  await rotation.close();
  await temp.remove();
});

/** Creates a silent logger that records its info, warn and error calls. */
function recordingLogger() {
  const logger = new Logger({ serviceName: 'check-lifecycle-test', logLevel: 'SILENT' });
  const calls = {
    info: vi.spyOn(logger, 'info').mockImplementation(() => undefined),
    warn: vi.spyOn(logger, 'warn').mockImplementation(() => undefined),
    error: vi.spyOn(logger, 'error').mockImplementation(() => undefined),
  };
  return { logger, calls };
}

/**
 * Returns a RotateSecret that enforces Secrets Manager's rule, which moto does not: no
 * start while AWSPENDING is on a version other than AWSCURRENT. It then runs the 4 steps.
 */
function strictRotate(started: string[]): RotateSecretCall {
  return async (secretId, token) => {
    const versions = await describeVersions(rotation.secrets, secretId);
    if (versions.pending !== undefined && versions.pending !== versions.current) {
      throw new Error(
        `InvalidRequestException: AWSPENDING is on version ${versions.pending}`,
      );
    }
    started.push(token);
    await rotation.rotate(secretId, token);
  };
}

function checkDeps(secretId: string, overrides: Partial<CheckDeps> = {}): CheckDeps {
  return {
    secrets: rotation.secrets,
    dynamodb: rotation.table.client,
    tableName: rotation.table.tableName,
    secretId,
    logger: recordingLogger().logger,
    renewalConfigured: false,
    ...overrides,
  };
}

/** Leaves AWSPENDING on an uploaded version, as a rotation refused at testSecret does. */
async function failedRotation(): Promise<{ secretId: string; token: string }> {
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

describe('daily check log lines', () => {
  it('logs the days to expiry', async () => {
    const credential = rotation.developer({ validDays: 200 });
    const { secretId } = await rotation.newSecret(credential);
    const { logger, calls } = recordingLogger();
    const now = new Date(Date.parse(credential.notAfter ?? '') - 100.5 * DAY_MS);

    await checkCredential(checkDeps(secretId, { logger, now: () => now }));

    expect(calls.info).toHaveBeenCalledWith(
      'credential checked',
      expect.objectContaining({ topic: credential.topic, daysToExpiry: 100 }),
    );
    expect(calls.warn).not.toHaveBeenCalled();
  });

  it.each([
    [30, 'warn'],
    [14, 'warn'],
    [7, 'error'],
  ] as const)('warns at %i days', async (days, level) => {
    const credential = rotation.developer({ validDays: 200 });
    const { secretId } = await rotation.newSecret(credential);
    const { logger, calls } = recordingLogger();
    const now = new Date(Date.parse(credential.notAfter ?? '') - (days + 0.5) * DAY_MS);

    await checkCredential(checkDeps(secretId, { logger, now: () => now }));

    expect(calls[level]).toHaveBeenCalledWith(
      expect.stringMatching(new RegExp(`expires in ${days} day\\(s\\)`)),
      { threshold: days, daysToExpiry: days },
    );
  });
});

describe('RotateSecret after a failed rotation', () => {
  it('clears AWSPENDING before the check rotates', async () => {
    const { secretId, token } = await failedRotation();
    const started: string[] = [];
    const later = new Date(Date.now() + 2 * HOUR_MS);

    const result = await checkCredential(
      checkDeps(secretId, { rotate: strictRotate(started), now: () => later }),
    );

    expect(result.rotation).toMatchObject({ started: true, clearedPending: token });
    expect(holders(await rotation.stages(secretId), 'AWSCURRENT')).toEqual(started);
  });

  it('clears AWSPENDING before an import rotates', async () => {
    const { secretId } = await failedRotation();
    const started: string[] = [];
    const files = await certificateFiles();

    await importCredential(
      io(),
      { ...files, secret: secretId, table: rotation.table.tableName },
      { rotate: strictRotate(started), now: new Date(Date.now() + 2 * HOUR_MS) },
    );

    expect(started).toHaveLength(1);
    expect(holders(await rotation.stages(secretId), 'AWSCURRENT')).toEqual(started);
  });
});

describe('credential block and import', () => {
  it('clears once the import rotation finishes', async () => {
    const { secretId, versionId } = await rotation.newSecret(rotation.developer());
    const { client, tableName } = rotation.table;
    await setBlocked(client, tableName, {
      reason: 'BadCertificate',
      at: new Date().toISOString(),
      versionId,
    });

    await importCredential(
      io(),
      { ...(await certificateFiles()), secret: secretId, table: tableName },
      { rotate: strictRotate([]) },
    );

    expect(await readBlock(client, tableName)).toBeUndefined();
  });
});

/** Writes a certificate and key the APNs stand-in accepts; returns --cert and --key. */
async function certificateFiles(): Promise<{ cert: string; key: string }> {
  const topic = `com.apple.mobilemail.push.com.example.${randomUUID()}`;
  const identity = issuePushCertificate(rotation.apns.pki.ca, { topic });
  const { certPath, keyPath } = await writePemFiles(temp.path, identity, randomUUID());
  return { cert: certPath, key: keyPath };
}

function io(): CliIo {
  return { env: {}, out: () => undefined, err: () => undefined };
}
