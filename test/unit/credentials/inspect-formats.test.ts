import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCredential } from '../../../shared/credentials/inspect.js';
import type { CredentialReport } from '../../../shared/credentials/model.js';
import {
  createTempDir,
  createTestCa,
  generateRsaKeyPem,
  issuePushCertificate,
  opensslAvailable,
  type PushCertificateOptions,
  type PushIdentity,
  type TempDir,
  type TestCa,
  writeLegacyPkcs12,
  writeModernPkcs12,
  writePemFiles,
} from '../../support/pki.js';

const passphrase = 'inspect-p12-passphrase';
const TOPIC = 'com.apple.mobilemail.push.com.example.mail.inspect-formats-topic';

let ca: TestCa;
let keyPem: string;
let identity: PushIdentity;
let dir: TempDir;
let count = 0;

beforeAll(async () => {
  ca = createTestCa();
  keyPem = generateRsaKeyPem();
  identity = issuePushCertificate(ca, { topic: TOPIC }, keyPem);
  dir = await createTempDir('xaps-inspect-formats-');
});

afterAll(async () => {
  await dir.remove();
});

async function inspectPem(options: PushCertificateOptions): Promise<CredentialReport> {
  count += 1;
  const issued = issuePushCertificate(ca, { topic: TOPIC, ...options }, keyPem);
  const paths = await writePemFiles(dir.path, issued, `formats-${count}`);
  return inspectCredential({ format: 'pem', ...paths });
}

function codes(report: CredentialReport): string[] {
  return report.problems.map((problem) => problem.code);
}

describe('inspectCredential PKCS#12', () => {
  it('reads a modern file', async () => {
    const path = await writeModernPkcs12(dir.path, identity, passphrase);

    const report = await inspectCredential({ format: 'pkcs12', path, passphrase });

    expect(report.topic).toBe(TOPIC);
    expect(report.files).toEqual([path]);
    expect(report.problems).toEqual([]);
  });

  it('reports a wrong passphrase', async () => {
    const path = await writeModernPkcs12(dir.path, identity, passphrase, 'wrong.p12');

    const report = await inspectCredential({
      format: 'pkcs12',
      path,
      passphrase: 'nope',
    });

    expect(codes(report)).toEqual(['wrong-passphrase']);
    expect(report.problems[0]?.message).toContain(path);
    expect(report.problems[0]?.message).not.toContain('nope');
    expect(report.kind).toBeNull();
  });

  it.skipIf(!opensslAvailable())('reads a legacy file Node rejects', async () => {
    const path = await writeLegacyPkcs12(dir.path, identity, passphrase);
    const pfx = await readFile(path);

    expect(() => createSecureContext({ pfx, passphrase })).toThrow(/Unsupported PKCS12/);
    const report = await inspectCredential({ format: 'pkcs12', path, passphrase });
    expect(report.topic).toBe(TOPIC);
    expect(report.problems).toEqual([]);
  });
});

describe('inspectCredential missing files', () => {
  it('reports a missing certificate file', async () => {
    const certPath = join(dir.path, 'absent.crt.pem');

    const report = await inspectCredential({
      format: 'pem',
      certPath,
      keyPath: certPath,
    });

    expect(codes(report)).toEqual(['file-missing']);
    expect(report.problems[0]?.message).toContain(certPath);
  });

  it('reports a key file without key', async () => {
    const { certPath } = await writePemFiles(dir.path, identity, 'cert-only');

    const report = await inspectCredential({
      format: 'pem',
      certPath,
      keyPath: certPath,
    });

    expect(codes(report)).toEqual(['not-pem']);
    expect(report.topic).toBe(TOPIC);
  });
});

describe('inspectCredential further topics', () => {
  it('lists topics beyond the subject UID', async () => {
    const report = await inspectPem({
      otherTopics: [
        { topic: TOPIC, usages: ['app'] },
        { topic: 'com.example.app.voip', usages: ['voip'] },
        { topic: 'com.example.app.complication', usages: ['complication', 'app'] },
      ],
    });

    expect(report.otherTopics).toEqual([
      { topic: 'com.example.app.voip', usages: ['voip'] },
      { topic: 'com.example.app.complication', usages: ['complication', 'app'] },
    ]);
    expect(report.problems).toEqual([]);
  });

  it('keeps a topic without usages', async () => {
    // A bare UTF8String with no usage SEQUENCE after it.
    const der = Buffer.from('30050c03616263', 'hex');

    const report = await inspectPem({ topicsExtensionDer: der });

    expect(report.otherTopics).toEqual([{ topic: 'abc', usages: [] }]);
    expect(report.problems).toEqual([]);
  });

  it('reports elements of another shape', async () => {
    // SEQUENCE { UTF8String "abc", INTEGER 5 }: the INTEGER is neither topic nor usages.
    const der = Buffer.from('30080c03616263020105', 'hex');

    const report = await inspectPem({ topicsExtensionDer: der });

    expect(report.otherTopics).toEqual([{ topic: 'abc', usages: [] }]);
    expect(codes(report)).toEqual(['other-topics-undecodable']);
    expect(report.problems[0]?.severity).toBe('warning');
    expect(report.problems[0]?.message).toContain('1 element(s)');
  });

  it('reports content that is not DER', async () => {
    const report = await inspectPem({ topicsExtensionDer: Buffer.from('300901', 'hex') });

    expect(report.otherTopics).toEqual([]);
    expect(codes(report)).toEqual(['other-topics-undecodable']);
    expect(report.problems[0]?.message).toContain('not a DER SEQUENCE');
    expect(report.topic).toBe(TOPIC);
  });
});
