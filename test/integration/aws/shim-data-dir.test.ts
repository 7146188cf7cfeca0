import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEmulator } from '../../support/aws-env.js';
import { useTestTable } from '../../support/aws-resources.js';
import {
  putCredentialConfig,
  type RunningAwsShim,
  startAwsShim,
} from '../../support/aws-shim-harness.js';
import { createTempDir, type TempDir } from '../../support/pki.js';

// The AWS mode keeps full device tokens in its spool, so its data directory gets the
// local mode's treatment: the folder owner-only, its files too, a warning when open.
const table = useTestTable('shim-data-dir');
// Nothing is published here, so the topic need not exist.
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:xaps-test-shim-data-dir';
let temp: TempDir;

beforeAll(async () => {
  temp = await createTempDir('xaps-aws-data-dir-');
  await putCredentialConfig(table().client, table().tableName);
});

afterAll(async () => {
  await temp?.remove();
});

async function start(dataDir: string): Promise<RunningAwsShim> {
  return startAwsShim({
    tableName: table().tableName,
    snsTopicArn: TOPIC_ARN,
    dataDir,
    endpoint: awsEmulator().endpoint,
  });
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('AWS mode data directory', () => {
  it('creates owner-only files', async () => {
    const dataDir = join(temp.path, 'fresh');

    const shim = await start(dataDir);
    await shim.stop();

    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, 'aws-spool.sqlite'))).toBe(0o600);
    expect(await modeOf(join(dataDir, 'topic'))).toBe(0o600);
    expect(await modeOf(join(dataDir, 'serve.lock'))).toBe(0o600);
  });

  it('warns about an open data dir', async () => {
    const dataDir = join(temp.path, 'open');
    await mkdir(dataDir);
    await chmod(dataDir, 0o755);

    const shim = await start(dataDir);
    await shim.stop();
    const warnings = shim.logger.entries.filter((entry) => entry.level === 'warn');

    expect(
      warnings.some((entry) => entry.message.includes(`chmod 700 '${dataDir}'`)),
    ).toBe(true);
  });

  it('refuses a file as data dir', async () => {
    const failure = await start(join(temp.path, 'fresh', 'topic')).catch(
      (error: unknown) => error,
    );

    expect((failure as { variable?: string }).variable).toBe('XAPS_DATA_DIR');
  });
});
