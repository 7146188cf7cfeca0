import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCredential } from '../../../shared/credentials/inspect.js';
import {
  type CredentialReport,
  isUsable,
  type TokenKeySource,
} from '../../../shared/credentials/model.js';
import {
  createTempDir,
  generateRsaKeyPem,
  generateTokenKey,
  type TempDir,
} from '../../support/pki.js';

const KEY_ID = 'ABC123DEFG';
const TEAM_ID = 'DEF123GHIJ';
const TOPIC = 'com.apple.mobilemail.push.com.example.mail.token-key-inspect-test';

let dir: TempDir;
let p8Path: string;

beforeAll(async () => {
  dir = await createTempDir('xaps-inspect-p8-');
  p8Path = join(dir.path, `AuthKey_${KEY_ID}.p8`);
  await writeFile(p8Path, generateTokenKey().keyPem, { mode: 0o600 });
});

afterAll(async () => {
  await dir.remove();
});

/** Fields to change; an explicit undefined leaves the field out. */
type Overrides = { [K in keyof TokenKeySource]?: TokenKeySource[K] | undefined };

function inspectP8(overrides: Overrides = {}): Promise<CredentialReport> {
  const source = {
    format: 'p8',
    keyPath: p8Path,
    keyId: KEY_ID,
    teamId: TEAM_ID,
    topic: TOPIC,
    ...overrides,
  } as TokenKeySource;
  return inspectCredential(source);
}

function messageOf(report: CredentialReport, code: string): string | undefined {
  return report.problems.find((problem) => problem.code === code)?.message;
}

async function writeKey(name: string, pem: string): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, pem, { mode: 0o600 });
  return path;
}

describe('inspectCredential on a .p8 key', () => {
  it('reports a usable token key', async () => {
    const report = await inspectP8();

    expect(report.kind).toBe('token-key');
    expect(report.topic).toBe(TOPIC);
    expect(report.notAfter).toBeNull();
    expect(report.environment).toBe('both');
    expect(report.problems).toEqual([]);
    expect(isUsable(report)).toBe(true);
  });

  it('takes the key id from the file name', async () => {
    const report = await inspectCredential({
      format: 'p8',
      keyPath: p8Path,
      teamId: TEAM_ID,
      topic: TOPIC,
    });

    expect(report.tokenKey?.keyId).toBe(KEY_ID);
    expect(report.problems).toEqual([]);
  });
});

describe('inspectCredential .p8 problems', () => {
  it('rejects an RSA key', async () => {
    const keyPath = await writeKey('rsa.p8', generateRsaKeyPem());

    const report = await inspectP8({ keyPath });

    expect(messageOf(report, 'key-not-p256')).toContain(
      `the key in key file '${keyPath}' is RSA 2048-bit, not EC P-256`,
    );
    expect(isUsable(report)).toBe(false);
  });

  it('rejects a P-384 key', async () => {
    const keyPath = await writeKey('p384.p8', generateTokenKey('secp384r1').keyPem);

    const report = await inspectP8({ keyPath });

    expect(messageOf(report, 'key-not-p256')).toContain('is EC secp384r1, not EC P-256');
  });

  it('rejects a malformed key id', async () => {
    const report = await inspectP8({ keyId: 'abc123defg' });

    expect(messageOf(report, 'key-id-invalid')).toContain(
      "key id 'abc123defg' is invalid",
    );
    expect(isUsable(report)).toBe(false);
  });

  it('rejects a missing key id', async () => {
    const keyPath = await writeKey('key.p8', generateTokenKey().keyPem);

    const report = await inspectP8({ keyPath, keyId: undefined });

    expect(messageOf(report, 'key-id-invalid')).toContain('no key id given');
  });

  it('rejects a malformed team id', async () => {
    const report = await inspectP8({ teamId: 'TEAM' });

    expect(messageOf(report, 'team-id-invalid')).toContain("team id 'TEAM' is invalid");
  });

  it('rejects a missing topic', async () => {
    const report = await inspectP8({ topic: undefined });

    expect(messageOf(report, 'topic-missing')).toContain(`no topic given for key file`);
    expect(report.topic).toBeNull();
  });

  it('checks the topic like certificates', async () => {
    const report = await inspectP8({ topic: 'com.example.app' });

    expect(messageOf(report, 'topic-not-mail')).toContain("topic 'com.example.app'");
    expect(messageOf(report, 'topic-too-short')).toContain('is 15 bytes');
  });

  it('reports a missing key file', async () => {
    const keyPath = join(dir.path, 'AuthKey_ZZZZZZZZZZ.p8');

    const report = await inspectP8({ keyPath });

    expect(messageOf(report, 'file-missing')).toContain(keyPath);
  });
});
