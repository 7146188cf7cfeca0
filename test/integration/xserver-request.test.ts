import { createPrivateKey, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  renewXServerCertificate,
  requestXServerCertificate,
  SERVERMGRD_USER_AGENT,
} from '../../shared/credentials/xserver/client.js';
import { XServerError } from '../../shared/credentials/xserver/errors.js';
import { loadVendorIdentities } from '../../shared/credentials/xserver/vendor-identities.js';
import { STANDIN_BASE_PATH } from '../support/apple-certificate-service.js';
import {
  startXServerHarness,
  type XServerHarness,
} from '../support/apple-certificate-service-harness.js';
import {
  createVendorPki,
  writeVendorFile,
} from '../support/apple-certificate-service-pki.js';

let harness: XServerHarness;

beforeAll(async () => {
  harness = await startXServerHarness();
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => {
  harness.standin.failWith(undefined);
  harness.standin.labelCertificates = false;
});

describe('XServer certificate request', () => {
  it('returns a mail certificate and key', async () => {
    const before = harness.standin.requestCount;
    const issued = await requestXServerCertificate(harness.clientOptions());

    expect(issued.topic).toMatch(/^com\.apple\.mail\.XServer\.[0-9a-f-]{36}$/);
    const certificate = new X509Certificate(issued.certPem);
    expect(certificate.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
    expect(issued.environment).toBe('production');
    expect(issued.notAfter.getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    expect(harness.standin.requestCount - before).toBe(1);
  });

  it('reports the serial in lower-case hex', async () => {
    const issued = await requestXServerCertificate(harness.clientOptions());
    const serial = new X509Certificate(issued.certPem).serialNumber.toLowerCase();

    expect(issued.serialNumber).toMatch(/^[1-9a-f][0-9a-f]*$/);
    expect(issued.serialNumber).toBe(serial.replace(/^0+/, ''));
  });

  it('posts a plist to /new', async () => {
    await requestXServerCertificate(harness.clientOptions());
    const last = harness.standin.received.at(-1);

    expect(last?.path).toBe(`${STANDIN_BASE_PATH}/new`);
    expect(last?.contentType).toBe('text/x-xml-plist');
    expect(last?.userAgent).toBe(SERVERMGRD_USER_AGENT);
    expect(last?.outcome).toBe('issued');
  });

  it('sends one mail request by default', async () => {
    await requestXServerCertificate(harness.clientOptions());
    const requests = harness.standin.received.at(-1)?.checked?.requests ?? [];

    expect(requests.map((request) => request.serviceType)).toEqual(['Service_Mail']);
    expect(requests[0]?.requestNumber).toBe(0);
    expect(requests[0]?.description).toBe('mail.example.com - apns:com.apple.mail');
  });

  it('picks mail among extra services', async () => {
    harness.standin.labelCertificates = true;
    const issued = await requestXServerCertificate({
      ...harness.clientOptions(),
      extraServices: ['calendar', 'contact', 'mgmt', 'alerts'],
    });
    const requests = harness.standin.received.at(-1)?.checked?.requests ?? [];

    expect(requests.map((request) => request.serviceType)).toEqual([
      'Service_Mail',
      'Service_Calendar',
      'Service_Contact',
      'Service_Mgmt',
      'Service_Alerts',
    ]);
    expect(issued.topic.startsWith('com.apple.mail.XServer.')).toBe(true);
  });

  it('signs with an expired vendor certificate', async () => {
    // macOS Server's vendor certificates expired in 2015; Apple accepted them until 2024.
    const expired = createVendorPki({ expired: true, root: harness.vendorPki.root });
    const file = await writeVendorFile(harness.temp.path, expired, 'expired.pem');
    const vendors = await loadVendorIdentities([file]);
    const issued = await requestXServerCertificate({
      ...harness.clientOptions(),
      vendors,
    });

    expect(new X509Certificate(expired.vendor.certPem).validTo).toMatch(/2015/);
    expect(issued.topic.startsWith('com.apple.mail.XServer.')).toBe(true);
  });
});

describe('XServer certificate renewal', () => {
  it('keeps the topic with a new key', async () => {
    const first = await requestXServerCertificate(harness.clientOptions());
    const renewed = await renewXServerCertificate({
      ...harness.clientOptions(),
      serialNumber: first.serialNumber,
    });

    expect(renewed.topic).toBe(first.topic);
    expect(renewed.serialNumber).not.toBe(first.serialNumber);
    expect(renewed.keyPem).not.toBe(first.keyPem);
  });

  it('posts the old serial to /renew', async () => {
    const first = await requestXServerCertificate(harness.clientOptions());
    await renewXServerCertificate({
      ...harness.clientOptions(),
      serialNumber: new X509Certificate(first.certPem).serialNumber,
    });
    const last = harness.standin.received.at(-1);

    expect(last?.path).toBe(`${STANDIN_BASE_PATH}/renew`);
    expect(last?.checked?.requests[0]?.serialNumber).toBe(first.serialNumber);
  });

  it('rejects a serial not issued', async () => {
    const renewal = renewXServerCertificate({
      ...harness.clientOptions(),
      serialNumber: '7f00112233445566',
    });

    await expect(renewal).rejects.toBeInstanceOf(XServerError);
    await expect(renewal).rejects.toMatchObject({
      code: 'service-error',
      serviceErrorCode: -1,
    });
    expect(harness.standin.received.at(-1)?.rejection?.reason).toBe('serial');
  });
});
