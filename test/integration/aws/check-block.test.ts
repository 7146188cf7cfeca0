import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import {
  clearBlocked,
  isBlocked,
  readBlock,
  setBlocked,
} from '../../../shared/credentials/credential-block.js';
import { uniqueUser } from '../../support/registrations-fixtures.js';
import { sesMessageId, sesReceivedViaSns } from './push-event-builders.js';
import { type PushFunction, startPushFunction } from './push-harness.js';

let fn: PushFunction;

beforeAll(async () => {
  fn = await startPushFunction('check-block');
});

afterAll(async () => {
  await fn?.close();
});

const table = () => ({ client: fn.table.client, name: fn.table.tableName });

function metric(name: string): number[] {
  return fn
    .metricDocuments()
    .filter((document) => name in document)
    .map((document) => document[name] as number);
}

async function xaps(args: string[]) {
  let out = '';
  const status = await runCli(args, {
    env: {},
    out: (text) => {
      out += text;
    },
    err: () => undefined,
  });
  return { status, out };
}

describe('credential block in the push function', () => {
  const user = uniqueUser();

  it('leaves other 403 answers unblocked', async () => {
    const device = await fn.register({ user });
    fn.apns.standin.program(device.deviceToken, {
      status: 403,
      reason: 'ExpiredProviderToken',
    });
    try {
      await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

      expect(await isBlocked(table().client, table().name)).toBe(false);
    } finally {
      fn.apns.standin.unprogram(device.deviceToken);
    }
  });

  it('sets the block on BadCertificate', async () => {
    const device = await fn.register({ user });
    fn.apns.standin.program(device.deviceToken, {
      status: 403,
      reason: 'BadCertificate',
    });

    await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));
    fn.apns.standin.unprogram(device.deviceToken);
    const block = await readBlock(table().client, table().name);

    expect(block?.reason).toBe('BadCertificate');
    expect(block?.versionId).toBe(fn.secret.firstVersionId);
    expect(metric('CredentialBlocked')).toEqual([1]);
  });

  it('skips pushes while blocked', async () => {
    const before = fn.apns.standin.received.length;

    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    expect(summary.sent).toBe(0);
    expect(fn.apns.standin.received.length).toBe(before);
    expect(metric('PushesBlocked')).toEqual([1]);
  });

  it('resumes after xaps credential clear-block', async () => {
    const run = await xaps(['credential', 'clear-block', '--table', table().name]);

    const summary = await fn.invoke(sesReceivedViaSns(sesMessageId(), [user]));

    expect(run.status).toBe(0);
    expect(run.out).toMatch(/cleared the credential block set at .* BadCertificate/);
    expect(summary.sent).toBeGreaterThan(0);
  });
});

describe('credential block storage', () => {
  const block = (versionId: string) => ({
    reason: 'Forbidden',
    at: '2026-12-04T10:00:00.000Z',
    versionId,
  });

  it('ignores a replaced version', async () => {
    const set = await setBlocked(table().client, table().name, block('an-old-version'));

    expect(set).toBe(false);
    expect(await isBlocked(table().client, table().name)).toBe(false);
  });

  it('sets a block only once', async () => {
    const first = await setBlocked(
      table().client,
      table().name,
      block(fn.secret.firstVersionId),
    );
    const second = await setBlocked(table().client, table().name, {
      ...block(fn.secret.firstVersionId),
      reason: 'BadCertificate',
    });

    expect(first).toBe(true);
    expect(second).toBe(false);
    expect((await readBlock(table().client, table().name))?.reason).toBe('Forbidden');
  });

  it('clears and reports the block', async () => {
    const cleared = await clearBlocked(table().client, table().name);
    const again = await clearBlocked(table().client, table().name);

    expect(cleared).toEqual(block(fn.secret.firstVersionId));
    expect(again).toBeUndefined();
  });

  it('says when nothing was blocked', async () => {
    const run = await xaps([
      'credential',
      'clear-block',
      '--table',
      table().name,
      '--json',
    ]);

    expect(JSON.parse(run.out)).toEqual({ tableName: table().name, cleared: null });
  });
});
