import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:https';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceKey } from '../../shared/credentials/xserver/csr.js';
import {
  operationUrl,
  type XServerOperation,
} from '../../shared/credentials/xserver/endpoint.js';
import {
  buildOuterPlist,
  buildRequestPlist,
  passwordHash,
  signRequestPlist,
} from '../../shared/credentials/xserver/request-plist.js';
import { postPlist } from '../../shared/credentials/xserver/transport.js';
import { loadVendorIdentities } from '../../shared/credentials/xserver/vendor-identities.js';
import type { ReceivedRequest } from '../support/apple-certificate-service.js';
import {
  startXServerHarness,
  type XServerHarness,
} from '../support/apple-certificate-service-harness.js';
import {
  createVendorPki,
  writeVendorFile,
} from '../support/apple-certificate-service-pki.js';

let harness: XServerHarness;
let validCsr: string;

beforeAll(async () => {
  harness = await startXServerHarness();
  validCsr = createServiceKey('mail').csrPem;
});

afterAll(async () => {
  await harness.close();
});

interface HandBuilt {
  operation?: XServerOperation;
  passwordHash?: string;
  csrPem?: string;
  serialNumber?: string;
  /** Replaces the signature over the inner plist. */
  signature?: (requestPlist: Buffer) => Buffer;
  vendors?: typeof harness.vendors;
  contentType?: string;
}

/** Posts a request built piece by piece and returns what the stand-in recorded. */
async function send(parts: HandBuilt = {}): Promise<ReceivedRequest | undefined> {
  const vendor = (parts.vendors ?? harness.vendors)[0];
  if (vendor === undefined) throw new Error('no vendor identity');
  const requestPlist = buildRequestPlist({
    appleId: harness.appleId,
    passwordHash: parts.passwordHash ?? passwordHash(harness.password),
    hostName: 'mail.example.com',
    requests: [
      {
        service: 'mail',
        csrPem: parts.csrPem ?? validCsr,
        requestNumber: 0,
        ...(parts.serialNumber === undefined ? {} : { serialNumber: parts.serialNumber }),
      },
    ],
  });
  const signature =
    parts.signature?.(requestPlist) ?? signRequestPlist(requestPlist, vendor.privateKey);
  const body = buildOuterPlist({
    chain: Buffer.concat(vendor.chain.map((certificate) => certificate.raw)),
    requestPlist,
    signature,
  });

  const url = operationUrl(new URL(harness.standin.url), parts.operation ?? 'new');
  await postPlist(url, body, {
    ca: harness.tlsCaPem,
    timeoutMs: 10_000,
    userAgent: 'xaps-test',
  });
  return harness.standin.received.at(-1);
}

/** Returns a CSR for the mail service with a key of `bits` bits. */
function csrWithKeyBits(bits: number): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const key = forge.pki.privateKeyFromPem(
    privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([{ name: 'commonName', value: 'com.apple.servermgrd.apns.mail' }]);
  csr.sign(key, forge.md.sha1.create());
  return forge.pki.certificationRequestToPem(csr);
}

describe('stand-in certificate service rules', () => {
  it('issues for a valid request', async () => {
    const received = await send();

    expect(received?.outcome).toBe('issued');
  });

  it('rejects another content type', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const outgoing = request(`${harness.standin.url}/new`, {
        method: 'POST',
        ca: harness.tlsCaPem,
        headers: { 'Content-Type': 'application/xml' },
      });
      outgoing.on('response', (incoming) => {
        incoming.resume();
        resolve(incoming.statusCode);
      });
      outgoing.on('error', reject);
      outgoing.end('<plist version="1.0"><dict/></plist>');
    });

    expect(status).toBe(415);
    expect(harness.standin.received.at(-1)?.outcome).toBe('rejected');
  });

  it('rejects a bad signature', async () => {
    const received = await send({
      signature: (bytes) =>
        signRequestPlist(Buffer.concat([bytes, Buffer.from(' ')]), privateKeyOfVendor()),
    });

    expect(received?.outcome).toBe('rejected');
    expect(received?.rejection?.reason).toBe('signature');
  });

  it('rejects a chain from another root', async () => {
    const stranger = createVendorPki();
    const file = await writeVendorFile(harness.temp.path, stranger, 'stranger.pem');
    const received = await send({ vendors: await loadVendorIdentities([file]) });

    expect(received?.rejection?.reason).toBe('chain');
  });

  it('rejects a wrong password hash', async () => {
    const received = await send({ passwordHash: passwordHash('not the password') });

    expect(received?.rejection?.reason).toBe('account');
    expect(received?.rejection?.errorCode).toBe(-80004);
  });

  it('rejects an upper-case password hash', async () => {
    const received = await send({
      passwordHash: passwordHash(harness.password).toUpperCase(),
    });

    expect(received?.rejection?.reason).toBe('account');
  });

  it('rejects a CSR that is not PEM', async () => {
    const received = await send({ csrPem: 'not a certificate request' });

    expect(received?.rejection?.reason).toBe('csr');
  });

  it('rejects a CSR with a 1024-bit key', async () => {
    const received = await send({ csrPem: csrWithKeyBits(1024) });

    expect(received?.rejection?.reason).toBe('csr');
    expect(received?.rejection?.message).toContain('2048-bit');
  });

  it('rejects a CSR with a broken self-signature', async () => {
    // The last DER byte belongs to the signature, so flipping it breaks only that.
    const der = Buffer.from(validCsr.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 1] = (der.at(-1) ?? 0) ^ 0xff;
    const broken = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const received = await send({ csrPem: broken });

    expect(received?.rejection?.reason).toBe('csr');
    expect(received?.rejection?.message).toContain('self-signature');
  });

  it('rejects an unknown renewal serial', async () => {
    const received = await send({ operation: 'renew', serialNumber: '1234abcd' });

    expect(received?.rejection?.reason).toBe('serial');
  });

  it('rejects an upper-case renewal serial', async () => {
    const issued = await send();
    const serial = [...harness.standin.issuer.issued.keys()].at(-1) ?? '';
    const received = await send({
      operation: 'renew',
      serialNumber: serial.toUpperCase(),
    });

    expect(issued?.outcome).toBe('issued');
    expect(serial).toMatch(/[a-f]/);
    expect(received?.rejection?.reason).toBe('serial');
  });

  it('accepts a known renewal serial', async () => {
    await send();
    const serial = [...harness.standin.issuer.issued.keys()].at(-1) ?? '';
    const received = await send({ operation: 'renew', serialNumber: serial });

    expect(received?.outcome).toBe('issued');
  });
});

function privateKeyOfVendor() {
  const vendor = harness.vendors[0];
  if (vendor === undefined) throw new Error('no vendor identity');
  return vendor.privateKey;
}
