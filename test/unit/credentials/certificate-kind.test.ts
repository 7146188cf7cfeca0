import { describe, expect, it } from 'vitest';
import { inspectCertificate } from '../../../shared/credentials/certificate-facts.js';
import { inspectCredential } from '../../../shared/credentials/inspect.js';
import {
  certificateKindOf,
  XSERVER_TOPIC_PREFIX,
} from '../../../shared/credentials/model.js';
import { storedCertificateOf } from '../../../shared/credentials/stored-certificate.js';
import {
  createTempDir,
  createTestCa,
  issuePushCertificate,
  writePemFiles,
} from '../../support/pki.js';

const XSERVER = 'com.apple.mail.XServer.3f1c2b7e-8d4a-4e5f-9a6b-7c8d9e0f1a2b';
// iOS Mail accepts this prefix, but no XServer certificate service issues such topics.
const OTHER_MAIL = 'com.apple.mail.example-mail-topic-issued-elsewhere-0001';
const DEVELOPER = 'com.apple.mobilemail.push.com.example.mail.certificate-kind';

describe('certificateKindOf', () => {
  it('uses the XServer service prefix', () => {
    expect(XSERVER_TOPIC_PREFIX).toBe('com.apple.mail.XServer.');
  });

  it.each([
    [XSERVER, 'xserver-certificate'],
    [OTHER_MAIL, 'developer-certificate'],
    [DEVELOPER, 'developer-certificate'],
    [null, 'developer-certificate'],
  ])('calls %s a %s', (topic, kind) => {
    expect(certificateKindOf(topic)).toBe(kind);
  });
});

describe('one kind rule everywhere', () => {
  const ca = createTestCa();

  it.each([XSERVER, OTHER_MAIL, DEVELOPER])('agrees for %s', async (topic) => {
    const identity = issuePushCertificate(ca, { topic });
    const loaded = inspectCertificate(identity.certPem, identity.keyPem, {
      cert: 'test certificate',
      key: 'test key',
    });
    const temp = await createTempDir('xaps-kind-');
    const files = await writePemFiles(temp.path, identity);

    const stored = storedCertificateOf(loaded, 'test certificate', { now: new Date() });
    const report = await inspectCredential({ format: 'pem', ...files });
    await temp.remove();

    expect(stored.credential.kind).toBe(certificateKindOf(topic));
    expect(report.kind).toBe(certificateKindOf(topic));
  });
});
