import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../cli/program.js';
import type { Env } from '../../../shared/config/env.js';
import {
  createTempDir,
  createTestCa,
  generateTokenKey,
  issuePushCertificate,
  type PushIdentity,
  type TempDir,
  type TestCa,
  writeModernPkcs12,
  writePemFiles,
} from '../../support/pki.js';

const passphrase = 'cli-inspect-passphrase';
const TOKEN_TOPIC = 'com.apple.mobilemail.push.com.example.mail.cli-inspect-token';

let ca: TestCa;
let identity: PushIdentity;
let dir: TempDir;
let certPath: string;
let keyPath: string;
let p12Path: string;
let p8Path: string;

beforeAll(async () => {
  ca = createTestCa();
  identity = issuePushCertificate(ca);
  dir = await createTempDir('xaps-cli-inspect-');
  ({ certPath, keyPath } = await writePemFiles(dir.path, identity));
  p12Path = await writeModernPkcs12(dir.path, identity, passphrase);
  p8Path = join(dir.path, 'AuthKey_ABC123DEFG.p8');
  await writeFile(p8Path, generateTokenKey().keyPem);
});

afterAll(async () => {
  await dir.remove();
});

/** Runs `xaps credential inspect ...args` and returns exit status and output. */
async function inspect(args: string[], env: Env = {}) {
  let out = '';
  let err = '';
  const status = await runCli(['credential', 'inspect', ...args], {
    env,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { status, out, err };
}

describe('xaps credential inspect output', () => {
  it('prints the facts of a PEM pair', async () => {
    const { status, out } = await inspect([certPath, '--key', keyPath]);

    expect(status).toBe(0);
    expect(out).toContain('  kind          xserver-certificate\n');
    expect(out).toContain(`  topic         ${identity.topic}\n`);
    expect(out).toContain('  environment   production\n');
    expect(out).toMatch(/ {2}expires {7}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 36[45] day/);
  });

  it('prints JSON for scripts', async () => {
    const { status, out } = await inspect([certPath, '--key', keyPath, '--json']);
    const [report] = JSON.parse(out) as Array<Record<string, unknown>>;

    expect(status).toBe(0);
    expect(report?.topic).toBe(identity.topic);
    expect(report?.notAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(report?.usable).toBe(true);
    expect(report?.problems).toEqual([]);
  });

  it('inspects several files at once', async () => {
    const args = [p12Path, p8Path, '--passphrase-env', 'P12_PASS', '--json'];
    const { status, out } = await inspect(
      [...args, '--team-id', 'DEF123GHIJ', '--topic', TOKEN_TOPIC],
      { P12_PASS: passphrase },
    );
    const reports = JSON.parse(out) as Array<Record<string, unknown>>;

    expect(status).toBe(0);
    expect(reports.map((report) => report.kind)).toEqual([
      'xserver-certificate',
      'token-key',
    ]);
    expect(reports[1]?.tokenKey).toEqual({ keyId: 'ABC123DEFG', teamId: 'DEF123GHIJ' });
  });
});

describe('xaps credential inspect passphrase', () => {
  it('reads it from a file', async () => {
    const file = join(dir.path, 'passphrase.txt');
    await writeFile(file, `${passphrase}\n`, { mode: 0o600 });

    const { status, out } = await inspect([p12Path, '--passphrase-file', file]);

    expect(status).toBe(0);
    expect(out).not.toContain(passphrase);
  });

  it('names an unset variable', async () => {
    const { status, err } = await inspect([p12Path, '--passphrase-env', 'P12_PASS']);

    expect(status).toBe(1);
    expect(err).toContain(
      'environment variable P12_PASS (from --passphrase-env) is not set',
    );
  });

  it('rejects both passphrase sources', async () => {
    const args = ['--passphrase-env', 'A', '--passphrase-file', 'b'];
    const { status, err } = await inspect([p12Path, ...args], { A: 'x' });

    expect(status).toBe(1);
    expect(err).toContain('either --passphrase-env or --passphrase-file');
  });

  it('has no plain passphrase option', async () => {
    const { status, err } = await inspect([p12Path, '--passphrase', passphrase]);

    expect(status).toBe(1);
    expect(err).toContain("unknown option '--passphrase'");
  });
});

describe('xaps credential inspect failures', () => {
  it('exits 1 on an unusable credential', async () => {
    const { status, out, err } = await inspect([certPath, '--key', p8Path]);

    expect(status).toBe(1);
    expect(out).toContain('  usable        no\n');
    expect(out).toContain('  error    key-mismatch: the private key in key file');
    expect(err).toContain('1 of 1 credential(s) cannot be used');
  });

  it('asks for the key file', async () => {
    const { status, err } = await inspect([certPath]);

    expect(status).toBe(1);
    expect(err).toContain(`certificate file '${certPath}' contains no private key`);
    expect(err).toContain('--key FILE');
  });

  it('points an RSA key to --key', async () => {
    const { status, err } = await inspect([keyPath]);

    expect(status).toBe(1);
    expect(err).toContain(`key file '${keyPath}' contains only an RSA private key`);
  });
});
