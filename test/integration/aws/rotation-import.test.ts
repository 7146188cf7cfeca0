import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCredential } from '../../../cli/commands/credential-import.js';
import type { CliIo } from '../../../cli/io.js';
import { runCli } from '../../../cli/program.js';
import type { RotateSecretCall } from '../../../shared/credentials/rotation/start-rotation.js';
import { readStoredCredential } from '../../../shared/credentials/secret-store.js';
import { uniqueResourceName } from '../../support/aws-resources.js';
import {
  createTempDir,
  issuePushCertificate,
  type TempDir,
  writePemFiles,
  xserverTopic,
} from '../../support/pki.js';
import {
  holders,
  type RotationHarness,
  startRotationHarness,
} from './rotation-harness.js';

let rotation: RotationHarness;
let temp: TempDir;

beforeAll(async () => {
  rotation = await startRotationHarness('rotation-import');
  temp = await createTempDir('xaps-rotation-import-');
});

afterAll(async () => {
  await rotation.close();
  await temp.remove();
});

/** Captures the output of one CLI run. */
function capture(env: Record<string, string> = {}): CliIo & { text(): string } {
  let out = '';
  return {
    env,
    out: (chunk) => {
      out += chunk;
    },
    err: () => undefined,
    text: () => out,
  };
}

/**
 * Writes a PEM pair the stand-in accepts and returns the import options, with the
 * certificate's topic as certTopic: --topic belongs to a token key import only.
 */
async function certificateFiles(
  topic = `com.apple.mobilemail.push.com.example.${randomUUID()}`,
) {
  const identity = issuePushCertificate(rotation.apns.pki.ca, { topic });
  const { certPath, keyPath } = await writePemFiles(temp.path, identity, randomUUID());
  return { cert: certPath, key: keyPath, certTopic: topic };
}

/** A RotateSecret stand-in that runs the four steps through the rotation handler. */
function runSteps(started: string[]): RotateSecretCall {
  return async (secretId, token) => {
    started.push(token);
    await rotation.rotate(secretId, token);
  };
}

async function emptySecret(): Promise<string> {
  const created = await rotation.secrets.send(
    new CreateSecretCommand({ Name: uniqueResourceName('rotation-import') }),
  );
  return created.ARN ?? '';
}

const place = (secret: string) => ({ secret, table: rotation.table.tableName });

describe('xaps credential import into a used secret', () => {
  it('uploads and rotates the second one', async () => {
    const secret = await emptySecret();
    await importCredential(capture(), {
      ...(await certificateFiles()),
      ...place(secret),
    });
    const second = await certificateFiles();
    const started: string[] = [];
    const io = capture();

    await importCredential(
      io,
      { ...second, ...place(secret) },
      { rotate: runSteps(started) },
    );
    const stages = await rotation.stages(secret);

    expect(io.text()).toMatch(
      /uploaded version .* \(XAPS_UPLOADED\).*rotation .* started/s,
    );
    expect(holders(stages, 'AWSCURRENT')).toEqual(started);
    expect((await rotation.config())?.topic).toBe(second.certTopic);
  });

  it('prints the upload as JSON', async () => {
    const secret = await emptySecret();
    await importCredential(capture(), {
      ...(await certificateFiles()),
      ...place(secret),
    });
    const io = capture();

    await importCredential(
      io,
      { ...(await certificateFiles()), ...place(secret), json: true },
      { rotate: async () => undefined },
    );
    const printed = JSON.parse(io.text()) as Record<string, unknown>;

    expect(printed.mode).toBe('uploaded');
    expect(printed.rotation).toMatchObject({ started: true });
    expect(holders(await rotation.stages(secret), 'XAPS_UPLOADED')).toEqual([
      printed.versionId,
    ]);
  });

  it('keeps the upload when RotateSecret fails', async () => {
    const secret = await emptySecret();
    await importCredential(capture(), {
      ...(await certificateFiles()),
      ...place(secret),
    });
    const refuse: RotateSecretCall = async () => {
      throw Object.assign(new Error('no rotation function'), {
        name: 'InvalidRequestException',
      });
    };

    const failure = importCredential(
      capture(),
      { ...(await certificateFiles()), ...place(secret) },
      { rotate: refuse },
    );

    await expect(failure).rejects.toThrow(
      /is uploaded .* \(XAPS_UPLOADED\), but the rotation could not be started \(InvalidRequestException/,
    );
    expect(holders(await rotation.stages(secret), 'XAPS_UPLOADED')).toHaveLength(1);
  });
});

describe('xaps credential import of XServer account', () => {
  it('stores the renewal account', async () => {
    const secret = await emptySecret();
    const vendorFile = join(temp.path, 'vendor.pem');
    const vendor = issuePushCertificate(rotation.apns.pki.ca);
    await writeFile(vendorFile, vendor.certPem + vendor.keyPem);
    const passwordFile = join(temp.path, 'apple-id-password');
    await writeFile(passwordFile, 'secret password\n');

    await importCredential(capture(), {
      ...(await certificateFiles(xserverTopic())),
      ...place(secret),
      xserverAppleId: 'operator@example.com',
      xserverPasswordFile: passwordFile,
      xserverVendor: [vendorFile],
    });
    const { credential } = await readStoredCredential(rotation.secrets, secret);
    const account = (credential as { xserver?: Record<string, string> }).xserver;

    expect(account?.appleId).toBe('operator@example.com');
    expect(account?.password).toBe('secret password');
    expect(account?.vendorPem).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('refuses them for a developer certificate', async () => {
    const failure = importCredential(capture(), {
      ...(await certificateFiles()),
      ...place(await emptySecret()),
      xserverAppleId: 'operator@example.com',
    });

    await expect(failure).rejects.toThrow(
      /--xserver-\* options apply to XServer certificates only/,
    );
  });
});

describe('xaps credential status', () => {
  async function status(secret: string, json = false) {
    const io = capture();
    const code = await runCli(
      [
        'credential',
        'status',
        ...Object.entries(place(secret)).flatMap(([k, v]) => [`--${k}`, v]),
        ...(json ? ['--json'] : []),
      ],
      io,
    );
    return { code, text: io.text() };
  }

  it('shows the credential in use', async () => {
    const secret = await emptySecret();
    const files = await certificateFiles();
    await importCredential(capture(), { ...files, ...place(secret) });

    const { code, text } = await status(secret);

    expect(code).toBe(0);
    expect(text).toContain(`topic        ${files.certTopic}`);
    expect(text).toMatch(/expires +\S+ \(in 36[45] day\(s\)\)/);
    expect(text).toMatch(/block +none/);
  });

  it('shows a waiting upload', async () => {
    const secret = await emptySecret();
    await importCredential(capture(), {
      ...(await certificateFiles()),
      ...place(secret),
    });
    await importCredential(
      capture(),
      { ...(await certificateFiles()), ...place(secret) },
      { rotate: async () => undefined },
    );

    const { text } = await status(secret, true);
    const printed = JSON.parse(text) as Record<string, unknown>;

    expect(printed.uploadedVersionId).toEqual(expect.any(String));
    expect(printed.plan).toMatchObject({ rotate: 'upload-waiting' });
  });
});
