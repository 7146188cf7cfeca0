import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XServerError } from '../../../shared/credentials/xserver/errors.js';
import {
  chooseVendorIdentity,
  loadVendorIdentities,
  type VendorIdentity,
} from '../../../shared/credentials/xserver/vendor-identities.js';
import {
  createVendorPki,
  type VendorPki,
  writeVendorFile,
} from '../../support/apple-certificate-service-pki.js';
import { createTempDir, type TempDir } from '../../support/pki.js';

let temp: TempDir;
let pki: VendorPki;
let second: VendorPki;

beforeAll(async () => {
  temp = await createTempDir('xaps-vendor-');
  pki = createVendorPki();
  second = createVendorPki({ root: pki.root });
});

afterAll(async () => {
  await temp.remove();
});

async function loadError(paths: string[]): Promise<XServerError> {
  const error = await loadVendorIdentities(paths).catch((caught: unknown) => caught);
  if (!(error instanceof XServerError)) throw new Error('the load did not fail');
  return error;
}

async function newDir(name: string): Promise<string> {
  const dir = join(temp.path, name);
  await mkdir(dir);
  return dir;
}

describe('loadVendorIdentities', () => {
  it('reads chain and key from one file', async () => {
    const file = await writeVendorFile(temp.path, pki, 'one.pem');
    const [identity, ...rest] = await loadVendorIdentities([file]);

    expect(rest).toHaveLength(0);
    expect(identity?.chain.map((certificate) => certificate.subject)).toEqual([
      new X509Certificate(pki.vendor.certPem).subject,
      new X509Certificate(pki.intermediate.certPem).subject,
      new X509Certificate(pki.root.certPem).subject,
    ]);
    expect(identity?.label).toContain('APN-Server.test-');
    expect(identity?.label).toContain(file);
  });

  it('orders a chain given root first', async () => {
    const file = join(temp.path, 'reversed.pem');
    await writeFile(
      file,
      pki.root.certPem +
        pki.vendor.keyPem +
        pki.intermediate.certPem +
        pki.vendor.certPem,
    );
    const [identity] = await loadVendorIdentities([file]);

    expect(identity?.chain[0]?.checkPrivateKey(createPrivateKey(pki.vendor.keyPem))).toBe(
      true,
    );
    expect(identity?.chain).toHaveLength(3);
  });

  it('pairs separate files in a directory', async () => {
    const dir = await newDir('split');
    await writeFile(join(dir, 'a.crt'), pki.vendor.certPem);
    await writeFile(join(dir, 'a.key'), pki.vendor.keyPem);
    await writeFile(join(dir, 'b.pem'), second.vendor.certPem + second.vendor.keyPem);
    const intermediates = pki.intermediate.certPem + second.intermediate.certPem;
    await writeFile(join(dir, 'chain.pem'), intermediates + pki.root.certPem);
    await writeFile(join(dir, 'README.txt'), 'not read');
    const identities = await loadVendorIdentities([dir]);

    expect(identities).toHaveLength(2);
    expect(identities.map((identity) => identity.chain.length)).toEqual([3, 3]);
  });

  it('merges the same identity twice', async () => {
    const file = await writeVendorFile(temp.path, pki, 'twice.pem');

    expect(await loadVendorIdentities([file, file])).toHaveLength(1);
  });

  it('names a key without certificate', async () => {
    const file = join(temp.path, 'lonely.key');
    await writeFile(file, second.vendor.keyPem + pki.vendor.certPem);
    const error = await loadError([file]);

    expect(error.code).toBe('vendor-identity');
    expect(error.message).toContain(`'${file}' belongs to none of the certificates`);
  });

  it('requires a private key', async () => {
    const file = join(temp.path, 'certs-only.pem');
    await writeFile(file, pki.chainPem);
    const error = await loadError([file]);

    expect(error.message).toContain('no private key was found');
  });

  it('rejects an encrypted key', async () => {
    const encrypted = createPrivateKey(pki.vendor.keyPem)
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' })
      .toString();
    const file = join(temp.path, 'encrypted.pem');
    await writeFile(file, pki.vendor.certPem + encrypted);
    const error = await loadError([file]);

    expect(error.message).toContain('is encrypted');
  });

  it('rejects a file without PEM', async () => {
    const file = join(temp.path, 'empty.pem');
    await writeFile(file, 'nothing here');
    const error = await loadError([file]);

    expect(error.message).toContain('contains no PEM certificate or private key');
  });

  it('names a missing path', async () => {
    const path = join(temp.path, 'missing');
    const error = await loadError([path]);

    expect(error.message).toContain(`'${path}' could not be read (ENOENT)`);
  });

  it('requires at least one path', async () => {
    const error = await loadError([]);

    expect(error.message).toContain('no vendor identity was given');
  });

  it('never shows key material', async () => {
    const file = join(temp.path, 'lonely2.key');
    await writeFile(file, second.vendor.keyPem);
    const error = await loadError([file]);
    const keyBody = second.vendor.keyPem.split('\n')[1] ?? '';

    expect(keyBody.length).toBeGreaterThan(20);
    expect(error.message).not.toContain(keyBody);
  });
});

describe('chooseVendorIdentity', () => {
  const identities = ['a', 'b', 'c'].map(
    (label) => ({ label, chain: [], privateKey: undefined }) as unknown as VendorIdentity,
  );

  it('uses the picked index', () => {
    expect(chooseVendorIdentity(identities, () => 2).label).toBe('c');
  });

  it('passes the identity count', () => {
    let count = 0;
    chooseVendorIdentity(identities, (n) => {
      count = n;
      return 0;
    });

    expect(count).toBe(3);
  });

  it('reaches every identity at random', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) seen.add(chooseVendorIdentity(identities).label);

    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });

  it('fails without identities', () => {
    expect(() => chooseVendorIdentity([])).toThrow(XServerError);
  });
});
