import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/program.js';
import type { Env } from '../../shared/config/env.js';
import {
  startXServerHarness,
  type XServerHarness,
} from '../support/apple-certificate-service-harness.js';

let harness: XServerHarness;
let caFile: string;
let passwordFile: string;
let outDir: string;
let runCount = 0;

beforeAll(async () => {
  harness = await startXServerHarness();
  caFile = join(harness.temp.path, 'tls-ca.pem');
  await writeFile(caFile, harness.tlsCaPem);
  passwordFile = join(harness.temp.path, 'password.txt');
  await writeFile(passwordFile, `${harness.password}\n`, { mode: 0o600 });
});

afterAll(async () => {
  await harness.close();
});

beforeEach(async () => {
  harness.standin.failWith(undefined);
  runCount += 1;
  outDir = join(harness.temp.path, `out-${runCount}`);
  await mkdir(outDir);
});

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `xaps credential request ...args` and returns the exit status and output. */
async function xaps(args: string[], env: Env = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['credential', 'request', ...args], {
    env: { XAPS_LOG_LEVEL: 'ERROR', ...env },
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

function baseArgs(): string[] {
  return [
    '--apple-id',
    harness.appleId,
    '--password-file',
    passwordFile,
    '--vendor',
    harness.vendorFile,
    '--endpoint',
    harness.standin.url,
    '--ca',
    caFile,
    '--out-dir',
    outDir,
  ];
}

describe('xaps credential request', () => {
  it('writes the PEM pair', async () => {
    const run = await xaps(baseArgs());
    const certPem = await readFile(join(outDir, 'xserver-mail.crt.pem'), 'utf8');
    const keyPem = await readFile(join(outDir, 'xserver-mail.key.pem'), 'utf8');

    expect(run.code).toBe(0);
    expect(new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))).toBe(
      true,
    );
    expect((await stat(join(outDir, 'xserver-mail.key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(outDir, 'xserver-mail.crt.pem'))).mode & 0o777).toBe(0o600);
  });

  it('prints topic, expiry and files', async () => {
    const run = await xaps(baseArgs());

    expect(run.stdout).toMatch(/^topic: +com\.apple\.mail\.XServer\./m);
    expect(run.stdout).toMatch(/^expires: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    expect(run.stdout).toContain(join(outDir, 'xserver-mail.key.pem'));
  });

  it('prints JSON with --json', async () => {
    const run = await xaps([...baseArgs(), '--json']);
    const result = JSON.parse(run.stdout) as Record<string, string>;

    expect(result.topic).toMatch(/^com\.apple\.mail\.XServer\./);
    expect(result.certPath).toBe(join(outDir, 'xserver-mail.crt.pem'));
    expect(result.serialNumber).toMatch(/^[0-9a-f]+$/);
  });

  it('takes the password from the environment', async () => {
    const args = baseArgs();
    args.splice(
      args.indexOf('--password-file'),
      2,
      '--password-env',
      'APPLE_ID_PASSWORD',
    );
    const run = await xaps(args, { APPLE_ID_PASSWORD: harness.password });

    expect(run.code).toBe(0);
  });

  it('renews with --renew', async () => {
    const first = JSON.parse((await xaps([...baseArgs(), '--json'])).stdout);
    const renewDir = join(outDir, 'renewed');
    await mkdir(renewDir);
    const args = baseArgs();
    args.splice(args.indexOf('--out-dir'), 2, '--out-dir', renewDir);
    const run = await xaps([...args, '--renew', first.certPath, '--json']);
    const renewed = JSON.parse(run.stdout);

    expect(renewed.topic).toBe(first.topic);
    expect(renewed.previousTopic).toBe(first.topic);
    expect(harness.standin.received.at(-1)?.path).toMatch(/\/renew$/);
  });

  it('keeps existing files without --force', async () => {
    await writeFile(join(outDir, 'xserver-mail.key.pem'), 'old key');
    const before = harness.standin.requestCount;
    const run = await xaps(baseArgs());

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already exists');
    expect(harness.standin.requestCount).toBe(before);
    expect(await readFile(join(outDir, 'xserver-mail.key.pem'), 'utf8')).toBe('old key');
  });

  it('replaces files with --force', async () => {
    await writeFile(join(outDir, 'xserver-mail.key.pem'), 'old key', { mode: 0o644 });
    const run = await xaps([...baseArgs(), '--force']);
    const keyPath = join(outDir, 'xserver-mail.key.pem');

    expect(run.code).toBe(0);
    expect(await readFile(keyPath, 'utf8')).toContain('PRIVATE KEY');
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
  });

  it('reports -80010 and writes nothing', async () => {
    harness.standin.failWith('service-discontinued');
    const run = await xaps(baseArgs());

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^xaps: the certificate service at https:\/\/127\.0\.0\.1:\d+ returned ErrorCode -80010 \(ServiceType is Invalid\.\)/,
    );
    await expect(stat(join(outDir, 'xserver-mail.key.pem'))).rejects.toThrow(/ENOENT/);
  });

  it('requires one password source', async () => {
    const args = baseArgs();
    args.splice(args.indexOf('--password-file'), 2);
    const run = await xaps(args);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('exactly one of --password-env NAME or --password-file');
  });

  it('requires the endpoint', async () => {
    const args = baseArgs();
    args.splice(args.indexOf('--endpoint'), 2);
    const run = await xaps(args);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("required option '--endpoint <url>' not specified");
  });

  it('never prints the password', async () => {
    const run = await xaps([...baseArgs(), '--json']);
    harness.standin.failWith('bad-credentials');
    const failed = await xaps([...baseArgs(), '--force']);

    expect(run.stdout + run.stderr).not.toContain(harness.password);
    expect(failed.stderr).toContain('ErrorCode -80004');
    expect(failed.stdout + failed.stderr).not.toContain(harness.password);
  });

  it('documents the options in --help', async () => {
    const run = await xaps(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--password-file <path>');
    expect(run.stdout).toContain('--renew <cert.pem>');
    expect(run.stdout).toContain('https://identity.apple.com/pushcert/caservice');
  });
});
