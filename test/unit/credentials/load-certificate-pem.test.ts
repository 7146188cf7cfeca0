import { createPrivateKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateSource,
  CredentialError,
  loadCertificate,
} from '../../../shared/credentials/load-certificate.js';
import {
  createTempDir,
  createTestCa,
  generateRsaKeyPem,
  issuePushCertificate,
  type PushIdentity,
  type TempDir,
  type TestCa,
  writePemFiles,
} from '../../support/pki.js';

let ca: TestCa;
let identity: PushIdentity;
let dir: TempDir;
let source: CertificateSource & { format: 'pem' };

beforeAll(async () => {
  ca = createTestCa();
  identity = issuePushCertificate(ca, { environment: 'production', validDays: 200 });
  dir = await createTempDir();
  source = { format: 'pem', ...(await writePemFiles(dir.path, identity)) };
});

afterAll(async () => {
  await dir.remove();
});

async function loadError(from: CertificateSource): Promise<CredentialError> {
  try {
    await loadCertificate(from);
  } catch (error) {
    if (error instanceof CredentialError) return error;
    throw error;
  }
  throw new Error('loadCertificate succeeded where it should have failed');
}

async function writeText(name: string, text: string): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, text);
  return path;
}

describe('loadCertificate from PEM', () => {
  it('reads the topic from the UID', async () => {
    const loaded = await loadCertificate(source);

    expect(loaded.topic).toBe(identity.topic);
    expect(loaded.topic.length).toBeGreaterThanOrEqual(51);
  });

  it('reads notAfter from the certificate', async () => {
    const loaded = await loadCertificate(source);
    const days = (loaded.notAfter.getTime() - Date.now()) / 86_400_000;

    expect(days).toBeGreaterThan(199);
    expect(days).toBeLessThan(201);
  });

  it('returns a certificate credential', async () => {
    const { credential } = await loadCertificate(source);

    expect(credential.kind).toBe('certificate');
    expect(credential.certPem).toBe(identity.certPem);
    expect(credential.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('accepts cert and key in one file', async () => {
    const both = await writeText('both.pem', identity.certPem + identity.keyPem);

    const loaded = await loadCertificate({
      format: 'pem',
      certPath: both,
      keyPath: both,
    });

    expect(loaded.topic).toBe(identity.topic);
  });

  it('keeps the chain after the leaf', async () => {
    const chain = await writeText('chain.pem', identity.certPem + ca.certPem);

    const { credential } = await loadCertificate({ ...source, certPath: chain });

    expect(credential.certPem).toBe(identity.certPem + ca.certPem);
  });
});

describe('loadCertificate environment', () => {
  it.each([
    ['production', 'production'],
    ['sandbox', 'sandbox'],
    ['both', 'both'],
    ['none', 'unknown'],
  ] as const)('reads %s extensions as %s', async (marked, expected) => {
    const issued = issuePushCertificate(ca, { environment: marked }, identity.keyPem);
    const files = await writePemFiles(dir.path, issued, `env-${marked}`);

    const loaded = await loadCertificate({ format: 'pem', ...files });

    expect(loaded.environment).toBe(expected);
  });
});

describe('loadCertificate encrypted key', () => {
  const passphrase = 'correct horse battery';
  let keyPath: string;

  beforeAll(async () => {
    const encrypted = createPrivateKey(identity.keyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
      .toString();
    keyPath = await writeText('encrypted.key.pem', encrypted);
  });

  it('decrypts with the passphrase', async () => {
    const loaded = await loadCertificate({
      ...source,
      keyPath,
      keyPassphrase: passphrase,
    });

    expect(loaded.credential.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('asks for a missing passphrase', async () => {
    const error = await loadError({ ...source, keyPath });

    expect(error.code).toBe('passphrase-required');
    expect(error.message).toContain(keyPath);
  });

  it('reports a wrong passphrase', async () => {
    const error = await loadError({
      ...source,
      keyPath,
      keyPassphrase: 'wrong-secret-42',
    });

    expect(error.code).toBe('wrong-passphrase');
    expect(error.message).not.toContain('wrong-secret-42');
  });
});

describe('loadCertificate PEM errors', () => {
  it('names a missing certificate file', async () => {
    const certPath = join(dir.path, 'absent.pem');

    const error = await loadError({ ...source, certPath });

    expect(error.code).toBe('file-missing');
    expect(error.message).toContain(certPath);
  });

  it('rejects a certificate file without PEM', async () => {
    const certPath = await writeText('garbage.pem', 'not a certificate');

    const error = await loadError({ ...source, certPath });

    expect(error.code).toBe('not-pem');
    expect(error.message).toContain(certPath);
  });

  it('rejects a key file without a key', async () => {
    const error = await loadError({ ...source, keyPath: source.certPath });

    expect(error.code).toBe('not-pem');
    expect(error.message).toContain(`key file '${source.certPath}'`);
  });

  it('rejects a key of another certificate', async () => {
    const otherKey = generateRsaKeyPem();
    const keyPath = await writeText('other.key.pem', otherKey);

    const error = await loadError({ ...source, keyPath });

    expect(error.code).toBe('key-mismatch');
    expect(error.message).toContain(keyPath);
    expect(error.message).not.toContain(otherKey.split('\n')[1]);
  });

  it('rejects a certificate without UID', async () => {
    const noUid = issuePushCertificate(ca, { omitUid: true }, identity.keyPem);
    const files = await writePemFiles(dir.path, noUid, 'no-uid');

    const error = await loadError({ format: 'pem', ...files });

    expect(error.code).toBe('no-topic');
    expect(error.message).toContain('0.9.2342.19200300.100.1.1');
    expect(error.message).toContain(files.certPath);
  });

  it('rejects a topic with CR LF', async () => {
    const topic = 'com.apple.mail.XServer.abc\r\nA1 OK injected';
    const injected = issuePushCertificate(ca, { topic }, identity.keyPem);
    const files = await writePemFiles(dir.path, injected, 'crlf-topic');

    const error = await loadError({ format: 'pem', ...files });

    expect(error.code).toBe('topic-invalid');
    expect(error.message).toContain('\\r\\n');
    expect(error.message).toContain(files.certPath);
  });

  it('rejects a topic with a space', async () => {
    const spaced = issuePushCertificate(
      ca,
      { topic: 'com.apple.mail.a b' },
      identity.keyPem,
    );
    const files = await writePemFiles(dir.path, spaced, 'spaced-topic');

    const error = await loadError({ format: 'pem', ...files });

    expect(error.code).toBe('topic-invalid');
  });
});
