import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoredCredential } from '../../../shared/credentials/secret-store.js';
import type { StoredXServerCertificate } from '../../../shared/credentials/stored-credential.js';
import { requestXServerCertificate } from '../../../shared/credentials/xserver/client.js';
import {
  startXServerHarness,
  type XServerHarness,
} from '../../support/apple-certificate-service-harness.js';
import { issuePushCertificate, issueServerCertificate } from '../../support/pki.js';
import {
  holders,
  type RotationHarness,
  startRotationHarness,
} from './rotation-harness.js';

let xserver: XServerHarness;
let rotation: RotationHarness;
let endpointEnv: Record<string, string>;

beforeAll(async () => {
  xserver = await startXServerHarness();
  const caFile = join(xserver.temp.path, 'service-ca.pem');
  await writeFile(caFile, xserver.tlsCaPem);
  endpointEnv = { XAPS_XSERVER_ENDPOINT: xserver.standin.url, XAPS_XSERVER_CA: caFile };
  // APNs trusts the certificates the stand-in service issues, as Apple's APNs trusts Apple's.
  const issuerCa = xserver.standin.issuer.ca;
  rotation = await startRotationHarness('rotation-xserver', {
    env: endpointEnv,
    pki: {
      ca: issuerCa,
      server: issueServerCertificate(issuerCa),
      client: issuePushCertificate(issuerCa),
    },
  });
});

afterAll(async () => {
  await rotation?.close();
  await xserver?.close();
});

/** Requests a certificate from the stand-in and stores it with the renewal account. */
async function storedXServer(
  account: Record<string, string> | undefined,
): Promise<StoredXServerCertificate> {
  const issued = await requestXServerCertificate(xserver.clientOptions());
  const vendorPem = await readFile(xserver.vendorFile, 'utf8');
  return {
    formatVersion: 1,
    kind: 'xserver-certificate',
    topic: issued.topic,
    environment: 'production',
    notAfter: issued.notAfter.toISOString(),
    storedAt: new Date().toISOString(),
    certPem: issued.certPem,
    keyPem: issued.keyPem,
    serialNumber: issued.serialNumber,
    ...(account === undefined
      ? {}
      : {
          xserver: {
            appleId: xserver.appleId,
            password: xserver.password,
            vendorPem,
            ...account,
          },
        }),
  };
}

describe('XServer renewal', () => {
  it('renews and promotes the certificate', async () => {
    const current = await storedXServer({});
    const { secretId, versionId } = await rotation.newSecret(current);
    const token = randomUUID();

    const results = await rotation.rotate(secretId, token);
    const { credential } = await readStoredCredential(rotation.secrets, secretId);
    const stages = await rotation.stages(secretId);

    expect(results[0]?.outcome).toBe('renewed-xserver');
    expect(holders(stages, 'AWSCURRENT')).toEqual([token]);
    expect(holders(stages, 'AWSPREVIOUS')).toEqual([versionId]);
    expect(credential.topic).toBe(current.topic);
    expect((credential as StoredXServerCertificate).serialNumber).not.toBe(
      current.serialNumber,
    );
  });

  it('keeps the renewal account', async () => {
    const { secretId } = await rotation.newSecret(await storedXServer({}));

    await rotation.rotate(secretId);
    const { credential } = await readStoredCredential(rotation.secrets, secretId);

    expect((credential as StoredXServerCertificate).xserver?.appleId).toBe(
      xserver.appleId,
    );
  });

  it('asks Apple to renew by serial', async () => {
    const current = await storedXServer({});
    const { secretId } = await rotation.newSecret(current);

    await rotation.step('createSecret', secretId, randomUUID());
    const last = xserver.standin.received.at(-1);

    expect(last?.path).toMatch(/\/renew$/);
    expect(last?.checked?.requests[0]?.serialNumber).toBe(current.serialNumber);
  });
});

describe('XServer renewal failures', () => {
  it('names a missing renewal account', async () => {
    const { secretId } = await rotation.newSecret(await storedXServer(undefined));

    await expect(rotation.step('createSecret', secretId, randomUUID())).rejects.toThrow(
      /has no xserver.appleId, which an XServer renewal needs.*--xserver-apple-id/,
    );
  });

  it('stops on a discontinued service', async () => {
    const { secretId } = await rotation.newSecret(await storedXServer({}));
    xserver.standin.failWith('service-discontinued');
    try {
      await expect(rotation.step('createSecret', secretId, randomUUID())).rejects.toThrow(
        /-80010/,
      );
      expect(holders(await rotation.stages(secretId), 'AWSPENDING')).toEqual([]);
    } finally {
      xserver.standin.failWith(undefined);
    }
  });

  it('names the endpoint setting when unset', async () => {
    const { secretId } = await rotation.newSecret(await storedXServer({}));
    delete process.env.XAPS_XSERVER_ENDPOINT;
    delete process.env.XAPS_XSERVER_CA;
    rotation.reloadSettings();
    try {
      await expect(rotation.step('createSecret', secretId, randomUUID())).rejects.toThrow(
        /XAPS_XSERVER_ENDPOINT is not set on the rotation function/,
      );
    } finally {
      Object.assign(process.env, endpointEnv);
      rotation.reloadSettings();
    }
  });
});
