import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCredential } from '../../../shared/credentials/inspect.js';
import {
  type CredentialProblem,
  type CredentialReport,
  isUsable,
} from '../../../shared/credentials/model.js';
import {
  createTempDir,
  createTestCa,
  generateRsaKeyPem,
  issuePushCertificate,
  type PushCertificateOptions,
  type TempDir,
  type TestCa,
  writePemFiles,
  xserverTopic,
} from '../../support/pki.js';

const DAY_MS = 86_400_000;
const DEVELOPER_TOPIC = 'com.apple.mobilemail.push.com.example.mail.inspect-test-topic';

let ca: TestCa;
let keyPem: string;
let dir: TempDir;
let fileCount = 0;

beforeAll(async () => {
  ca = createTestCa();
  // One key for every certificate: RSA key generation is the slow part.
  keyPem = generateRsaKeyPem();
  dir = await createTempDir('xaps-inspect-');
});

afterAll(async () => {
  await dir.remove();
});

/** Issues a certificate, writes it as a PEM pair and inspects it. */
async function inspectIssued(
  options: PushCertificateOptions,
  pairKeyPem: string = keyPem,
): Promise<{ report: CredentialReport; certPath: string; keyPath: string }> {
  const identity = issuePushCertificate(ca, options, keyPem);
  fileCount += 1;
  const paths = await writePemFiles(
    dir.path,
    { certPem: identity.certPem, keyPem: pairKeyPem },
    `cert-${fileCount}`,
  );
  const report = await inspectCredential({ format: 'pem', ...paths });
  return { report, ...paths };
}

function problem(report: CredentialReport, code: string): CredentialProblem | undefined {
  return report.problems.find((entry) => entry.code === code);
}

describe('inspectCredential on a good certificate', () => {
  it('reports an XServer certificate', async () => {
    const topic = xserverTopic();
    const { report } = await inspectIssued({ topic, environment: 'production' });

    expect(report.kind).toBe('xserver-certificate');
    expect(report.topic).toBe(topic);
    expect(report.environment).toBe('production');
    expect(report.problems).toEqual([]);
    expect(isUsable(report)).toBe(true);
  });

  it('reports a developer certificate', async () => {
    const { report } = await inspectIssued({
      topic: DEVELOPER_TOPIC,
      environment: 'sandbox',
    });

    expect(report.kind).toBe('developer-certificate');
    expect(report.environment).toBe('sandbox');
    expect(report.problems).toEqual([]);
  });

  it('reads the expiry date', async () => {
    const notBefore = new Date(Date.now() - DAY_MS);
    const notAfter = new Date(Date.now() + 200 * DAY_MS);
    const { report } = await inspectIssued({ validity: { notBefore, notAfter } });

    expect(report.notAfter?.getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
  });
});

describe('inspectCredential certificate problems', () => {
  it('reports a mismatched key', async () => {
    const { report, certPath, keyPath } = await inspectIssued({}, generateRsaKeyPem());
    const found = problem(report, 'key-mismatch');

    expect(found?.severity).toBe('error');
    expect(found?.message).toContain(`key file '${keyPath}' does not belong`);
    expect(found?.message).toContain(certPath);
    expect(isUsable(report)).toBe(false);
  });

  it('reports an expired certificate', async () => {
    const notBefore = new Date(Date.now() - 400 * DAY_MS);
    const notAfter = new Date(Date.now() - DAY_MS);
    const { report, certPath } = await inspectIssued({
      validity: { notBefore, notAfter },
    });
    const found = problem(report, 'expired');

    expect(found?.severity).toBe('error');
    expect(found?.message).toMatch(/expired on \d{4}-\d\d-\d\dT/);
    expect(found?.message).toContain(certPath);
  });

  it('reports a not-yet-valid certificate', async () => {
    const notBefore = new Date(Date.now() + DAY_MS);
    const notAfter = new Date(Date.now() + 300 * DAY_MS);
    const { report } = await inspectIssued({ validity: { notBefore, notAfter } });
    const found = problem(report, 'not-yet-valid');

    expect(found?.severity).toBe('error');
    expect(found?.message).toContain("check this machine's clock");
  });

  it('warns 30 days before expiry', async () => {
    const { report } = await inspectIssued({ validDays: 10 });
    const found = problem(report, 'expires-soon');

    expect(found?.severity).toBe('warning');
    expect(found?.message).toMatch(/in (9|10) day\(s\)/);
    expect(isUsable(report)).toBe(true);
  });

  it('rejects a non-mail topic prefix', async () => {
    const topic = 'com.example.push.service.with-a-long-enough-topic-name';
    const { report } = await inspectIssued({ topic });
    const found = problem(report, 'topic-not-mail');

    expect(found?.severity).toBe('error');
    expect(found?.message).toContain(`topic '${topic}'`);
    expect(found?.message).toContain('com.apple.mail. nor com.apple.mobilemail.push.');
  });

  it('warns about a short topic', async () => {
    const { report } = await inspectIssued({
      topic: 'com.apple.mobilemail.push.com.example',
    });
    const found = problem(report, 'topic-too-short');

    expect(found?.severity).toBe('warning');
    expect(found?.message).toContain('is 37 bytes');
    expect(found?.message).toContain("Dovecot 2.3's xaps plugin");
    expect(isUsable(report)).toBe(true);
  });

  it('rejects a subject without UID', async () => {
    const { report, certPath } = await inspectIssued({ omitUid: true });
    const found = problem(report, 'no-topic');

    expect(found?.severity).toBe('error');
    expect(found?.message).toContain(certPath);
    expect(report.topic).toBeNull();
  });

  it('warns about an unknown environment', async () => {
    const { report } = await inspectIssued({ environment: 'none' });
    const found = problem(report, 'environment-unknown');

    expect(found?.severity).toBe('warning');
    expect(report.environment).toBe('unknown');
  });

  it('lists every problem at once', async () => {
    const notBefore = new Date(Date.now() - 400 * DAY_MS);
    const notAfter = new Date(Date.now() - DAY_MS);
    const { report } = await inspectIssued(
      { validity: { notBefore, notAfter }, environment: 'none' },
      generateRsaKeyPem(),
    );

    expect(report.problems.map((entry) => entry.code).sort()).toEqual([
      'environment-unknown',
      'expired',
      'key-mismatch',
    ]);
  });
});
