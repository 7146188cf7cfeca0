import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateSource,
  CredentialError,
  loadCertificate,
} from '../../../shared/credentials/load-certificate.js';
import {
  createTempDir,
  createTestCa,
  issuePushCertificate,
  opensslAvailable,
  type PushIdentity,
  type TempDir,
  writeLegacyPkcs12,
  writeModernPkcs12,
  writePemFiles,
} from '../../support/pki.js';

const passphrase = 'p12-secret-passphrase';
const hasOpenssl = opensslAvailable();

let identity: PushIdentity;
let dir: TempDir;
let modernPath: string;

beforeAll(async () => {
  identity = issuePushCertificate(createTestCa(), { environment: 'both' });
  dir = await createTempDir();
  modernPath = await writeModernPkcs12(dir.path, identity, passphrase);
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

describe('loadCertificate from modern PKCS#12', () => {
  it('reads the topic and environment', async () => {
    const loaded = await loadCertificate({
      format: 'pkcs12',
      path: modernPath,
      passphrase,
    });

    expect(loaded.topic).toBe(identity.topic);
    expect(loaded.environment).toBe('both');
  });

  it('converts to the original PEM', async () => {
    const loaded = await loadCertificate({
      format: 'pkcs12',
      path: modernPath,
      passphrase,
    });

    expect(loaded.credential.certPem).toBe(identity.certPem);
    expect(loaded.credential.keyPem).toBe(identity.keyPem);
  });

  it('is also readable by Node', async () => {
    const pfx = await readFile(modernPath);

    expect(() => createSecureContext({ pfx, passphrase })).not.toThrow();
  });
});

describe.skipIf(!hasOpenssl)('loadCertificate from legacy PKCS#12', () => {
  let legacyPath: string;

  beforeAll(async () => {
    legacyPath = await writeLegacyPkcs12(dir.path, identity, passphrase);
  });

  it('shows Node rejecting the file', async () => {
    const pfx = await readFile(legacyPath);

    expect(() => createSecureContext({ pfx, passphrase })).toThrow(/Unsupported PKCS12/);
  });

  it('reads it through node-forge', async () => {
    const loaded = await loadCertificate({
      format: 'pkcs12',
      path: legacyPath,
      passphrase,
    });

    expect(loaded.topic).toBe(identity.topic);
    expect(loaded.credential.certPem).toBe(identity.certPem);
  });

  it('gives a key Node accepts', async () => {
    const { credential } = await loadCertificate({
      format: 'pkcs12',
      path: legacyPath,
      passphrase,
    });

    expect(() =>
      createSecureContext({ cert: credential.certPem, key: credential.keyPem }),
    ).not.toThrow();
  });
});

describe('loadCertificate PKCS#12 errors', () => {
  it('reports a wrong passphrase', async () => {
    const error = await loadError({
      format: 'pkcs12',
      path: modernPath,
      passphrase: 'not-the-passphrase',
    });

    expect(error.code).toBe('wrong-passphrase');
    expect(error.message).toContain(modernPath);
    expect(error.message).not.toContain('not-the-passphrase');
    expect(error.message).not.toContain(passphrase);
  });

  it('names a missing file', async () => {
    const path = join(dir.path, 'absent.p12');

    const error = await loadError({ format: 'pkcs12', path, passphrase });

    expect(error.code).toBe('file-missing');
    expect(error.message).toContain(path);
  });

  it('rejects a PEM file as PKCS#12', async () => {
    const { certPath } = await writePemFiles(dir.path, identity, 'not-p12');

    const error = await loadError({ format: 'pkcs12', path: certPath, passphrase });

    expect(error.code).toBe('not-pkcs12');
    expect(error.message).toContain(certPath);
  });

  it('rejects a truncated file', async () => {
    const path = join(dir.path, 'truncated.p12');
    await writeFile(path, (await readFile(modernPath)).subarray(0, 200));

    const error = await loadError({ format: 'pkcs12', path, passphrase });

    expect(error.code).toBe('not-pkcs12');
  });

  it('rejects a file without UID', async () => {
    const noUid = issuePushCertificate(createTestCa(), { omitUid: true });
    const path = await writeModernPkcs12(dir.path, noUid, passphrase, 'no-uid.p12');

    const error = await loadError({ format: 'pkcs12', path, passphrase });

    expect(error.code).toBe('no-topic');
  });
});
