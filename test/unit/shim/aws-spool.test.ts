import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RegistrationSpool,
  SPOOL_FILE_NAME,
} from '../../../shim/aws/registration-spool.js';
import { registrationInput } from '../../support/registrations-fixtures.js';

let dir: string;
let path: string;
const open: RegistrationSpool[] = [];

function openSpool(): RegistrationSpool {
  const spool = new RegistrationSpool(path);
  open.push(spool);
  return spool;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xaps-spool-file-'));
  path = join(dir, SPOOL_FILE_NAME);
});

afterEach(async () => {
  for (const spool of open.splice(0)) {
    spool.close();
  }
  await rm(dir, { recursive: true, force: true });
});

describe('RegistrationSpool', () => {
  it('starts empty', () => {
    const spool = openSpool();

    expect(spool.size).toBe(0);
    expect(spool.oldest()).toBeUndefined();
  });

  it('returns the oldest first', () => {
    const spool = openSpool();
    const first = registrationInput();
    spool.append(first, 1000);
    spool.append(registrationInput(), 2000);

    expect(spool.oldest()?.input).toEqual(first);
    expect(spool.oldest()?.registeredAt).toBe(1000);
  });

  it('removes a flushed entry', () => {
    const spool = openSpool();
    const seq = spool.append(registrationInput(), 1000) ?? -1;
    const second = registrationInput();
    spool.append(second, 2000);

    spool.remove(seq);

    expect(spool.size).toBe(1);
    expect(spool.oldest()?.input).toEqual(second);
  });

  it('survives a reopen', () => {
    const input = registrationInput();
    const first = openSpool();
    first.append(input, 1234);
    first.close();
    open.splice(0);

    const reopened = openSpool();

    expect(reopened.size).toBe(1);
    expect(reopened.oldest()?.input).toEqual(input);
  });

  it('keeps order across reopen', () => {
    const first = openSpool();
    const seqA = first.append(registrationInput(), 1) ?? -1;
    first.remove(seqA);
    first.close();
    open.splice(0);

    const reopened = openSpool();
    const seqB = reopened.append(registrationInput(), 2) ?? -1;

    expect(seqB).toBeGreaterThan(seqA);
  });

  it('lists pending users once', () => {
    const spool = openSpool();
    const input = registrationInput();
    spool.append(input, 1);
    spool.append({ ...input, deviceToken: 'ab'.repeat(32) }, 2);

    expect(spool.pendingUsers()).toEqual([input.user]);
  });

  it('marks unreadable entries', () => {
    openSpool().close();
    open.splice(0);
    const db = new Database(path);
    db.prepare(
      'INSERT INTO pending_registrations (user, registered_at, input) VALUES (?, ?, ?)',
    ).run('broken@example.com', 1, '{"user":');
    db.close();

    const entry = openSpool().oldest();

    expect(entry?.input).toBeUndefined();
  });
});
