import { describe, expect, it } from 'vitest';
import { AwsStatus } from '../../../shim/aws/aws-status.js';
import { KnownUsers } from '../../../shim/aws/known-users.js';
import { RecordingLogger } from '../push/doubles.js';

function knownUsers(list: () => Promise<string[]>, pending: string[] = []) {
  return new KnownUsers({
    list,
    pendingUsers: () => pending,
    logger: new RecordingLogger(),
    status: new AwsStatus(),
    refreshMs: 60_000,
  });
}

describe('KnownUsers', () => {
  it('knows listed users', async () => {
    const users = knownUsers(async () => ['alice@example.com']);

    await users.load();

    expect(users.has('alice@example.com')).toBe(true);
    expect(users.has('bob@example.com')).toBe(false);
  });

  it('keeps users added during load', async () => {
    let finish: (users: string[]) => void = () => undefined;
    const users = knownUsers(() => new Promise((resolve) => (finish = resolve)));

    const loading = users.load();
    users.add('new@example.com');
    finish(['alice@example.com']);
    await loading;

    expect(users.has('new@example.com')).toBe(true);
    expect(users.has('alice@example.com')).toBe(true);
  });

  it('includes spooled users', async () => {
    const users = knownUsers(async () => [], ['pending@example.com']);

    await users.load();

    expect(users.has('pending@example.com')).toBe(true);
  });

  it('drops users no longer listed', async () => {
    let listed = ['gone@example.com'];
    const users = knownUsers(async () => listed);
    await users.load();

    listed = [];
    await users.load();

    expect(users.has('gone@example.com')).toBe(false);
  });

  it('keeps the set on failure', async () => {
    let fail = false;
    const users = knownUsers(async () => {
      if (fail) {
        throw new Error('connect ECONNREFUSED');
      }
      return ['alice@example.com'];
    });
    await users.load();

    fail = true;
    const loaded = await users.load();

    expect(loaded).toBe(false);
    expect(users.has('alice@example.com')).toBe(true);
  });
});
