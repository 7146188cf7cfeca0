import { stat, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialError } from '../../../shared/credentials/errors.js';
import {
  importedCredentialFiles,
  importedCredentialPaths,
  importedTokenKeyPaths,
  writeImportedCredential,
  writeImportedTokenKey,
} from '../../../shim/imported-credential.js';
import { createTempDir, type TempDir } from '../../support/pki.js';

const SETTINGS = {
  keyId: 'ABC123DEFG',
  teamId: 'DEF123GHIJ',
  topic: 'com.apple.mobilemail.push.com.example.mail.imported-token-key',
};
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nnot-read-here\n-----END PRIVATE KEY-----\n';

let temp: TempDir;

beforeEach(async () => {
  temp = await createTempDir('xaps-imported-token-');
});

afterEach(async () => {
  await temp.remove();
});

describe('imported token key', () => {
  it('is found by xaps serve', async () => {
    const paths = await writeImportedTokenKey(temp.path, KEY_PEM, SETTINGS);

    expect(importedCredentialFiles(temp.path)).toEqual({
      kind: 'p8',
      keyPath: paths.keyPath,
      ...SETTINGS,
    });
  });

  it('is readable by its owner only', async () => {
    const paths = await writeImportedTokenKey(temp.path, KEY_PEM, SETTINGS);

    expect((await stat(paths.keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(paths.settingsPath)).mode & 0o777).toBe(0o600);
  });

  it('gives way to a later certificate', async () => {
    await writeImportedTokenKey(temp.path, KEY_PEM, SETTINGS);

    const paths = await writeImportedCredential(temp.path, 'CERT', KEY_PEM);

    expect(importedCredentialFiles(temp.path)).toEqual({ kind: 'pem', ...paths });
  });

  it('wins when written last', async () => {
    const certificate = importedCredentialPaths(temp.path);
    await writeImportedTokenKey(temp.path, KEY_PEM, SETTINGS);
    // Both kinds left behind, as after an import cut short: the newer files decide.
    await writeFile(certificate.certPath, 'CERT');
    await writeFile(certificate.keyPath, KEY_PEM);
    const past = new Date(Date.now() - 60_000);
    await utimes(certificate.certPath, past, past);
    await utimes(certificate.keyPath, past, past);

    expect(importedCredentialFiles(temp.path)).toMatchObject({ kind: 'p8' });
  });

  it('names a damaged settings file', async () => {
    const paths = await writeImportedTokenKey(temp.path, KEY_PEM, SETTINGS);
    await writeFile(paths.settingsPath, '{"keyId": 1}');

    expect(() => importedCredentialFiles(temp.path)).toThrow(CredentialError);
    expect(() => importedCredentialFiles(temp.path)).toThrow(
      `token key settings file '${importedTokenKeyPaths(temp.path).settingsPath}'`,
    );
  });
});
