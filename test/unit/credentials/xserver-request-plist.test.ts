import { createPrivateKey, verify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { type PlistValue, parse } from 'plist';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceKey,
  type ServiceKey,
} from '../../../shared/credentials/xserver/csr.js';
import {
  buildRequestPlist,
  buildSignedRequest,
  passwordHash,
  XSERVER_REQUEST_HEADER,
} from '../../../shared/credentials/xserver/request-plist.js';
import type { VendorIdentity } from '../../../shared/credentials/xserver/vendor-identities.js';
import { createVendorPki } from '../../support/apple-certificate-service-pki.js';

type Dict = { [key: string]: PlistValue };

let mailKey: ServiceKey;

beforeAll(() => {
  mailKey = createServiceKey('mail');
});

function innerPlist(serialNumber?: string): Buffer {
  return buildRequestPlist({
    appleId: 'operator@example.com',
    passwordHash: passwordHash('secret password'),
    hostName: 'mail.example.com',
    requests: [
      {
        service: 'mail',
        csrPem: mailKey.csrPem,
        requestNumber: 0,
        ...(serialNumber === undefined ? {} : { serialNumber }),
      },
    ],
  });
}

function firstEntry(document: Dict): Dict {
  const request = document.Request as Dict;
  return (request.CertRequestList as Dict[])[0] as Dict;
}

describe('passwordHash', () => {
  it('is lower-case hex SHA-256', () => {
    expect(passwordHash('password')).toBe(
      '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8',
    );
  });

  it('hashes the UTF-8 bytes', () => {
    // Python: hashlib.sha256('pässwörd'.encode('utf-8')).hexdigest()
    expect(passwordHash('pässwörd')).toBe(
      '46970bef70aced8123f0d5d094717e2a5cd412041e03b26376049fe65b2834a4',
    );
  });
});

describe('inner request plist', () => {
  it('carries the XServer header', () => {
    const document = parse(innerPlist().toString('utf8')) as Dict;

    expect(document.Header).toEqual(XSERVER_REQUEST_HEADER);
    expect((document.Header as Dict).ClientApplicationName).toBe('XServer');
    expect((document.Header as Dict).ClientOSName).toBe('MAC OSX');
  });

  it('carries the production request', () => {
    const request = (parse(innerPlist().toString('utf8')) as Dict).Request as Dict;

    expect(request.ProfileType).toBe('Production');
    expect(request.RequesterType).toBe('XServer');
    expect(request.User).toEqual({
      AccountName: 'operator@example.com',
      PasswordHash: passwordHash('secret password'),
    });
  });

  it('never contains the password', () => {
    expect(innerPlist().toString('utf8')).not.toContain('secret password');
  });

  it('lists the mail CSR', () => {
    const entry = firstEntry(parse(innerPlist().toString('utf8')) as Dict);

    expect(entry.CSR).toBe(mailKey.csrPem);
    expect(entry.CertRequestNo).toBe(0);
    expect(entry.Description).toBe('mail.example.com - apns:com.apple.mail');
    expect(entry.ServiceType).toBe('Service_Mail');
    expect(entry.CertificateSerialNumber).toBeUndefined();
  });

  it('adds the serial on renewal', () => {
    const entry = firstEntry(parse(innerPlist('1a2b3c').toString('utf8')) as Dict);

    expect(entry.CertificateSerialNumber).toBe('1a2b3c');
  });
});

describe('signed request', () => {
  const pki = createVendorPki();
  const vendor: VendorIdentity = {
    chain: [pki.vendor.certPem, pki.intermediate.certPem, pki.root.certPem].map(
      (pem) => new X509Certificate(pem),
    ),
    privateKey: createPrivateKey(pki.vendor.keyPem),
    label: 'test vendor',
  };

  it('wraps the exact inner bytes', () => {
    const inner = innerPlist();
    const outer = parse(buildSignedRequest(inner, vendor)) as Dict;

    expect(Buffer.from(outer.PushCertRequestPlist as Uint8Array).equals(inner)).toBe(
      true,
    );
    expect(outer.PushCertSignedRequest).toBe(true);
  });

  it('signs with RSA SHA-1', () => {
    const inner = innerPlist();
    const outer = parse(buildSignedRequest(inner, vendor)) as Dict;
    const signature = outer.PushCertSignature as Uint8Array;

    expect(verify('sha1', inner, vendor.chain[0]?.publicKey ?? '', signature)).toBe(true);
    expect(verify('sha256', inner, vendor.chain[0]?.publicKey ?? '', signature)).toBe(
      false,
    );
  });

  it('sends the chain as DER', () => {
    const outer = parse(buildSignedRequest(innerPlist(), vendor)) as Dict;
    const chain = Buffer.from(outer.PushCertCertificateChain as Uint8Array);
    const expected = Buffer.concat(vendor.chain.map((certificate) => certificate.raw));

    expect(chain.equals(expected)).toBe(true);
  });
});

describe('service key and CSR', () => {
  it('uses the macOS Server subject', () => {
    const csr = forge.pki.certificationRequestFromPem(mailKey.csrPem);

    expect(csr.subject.attributes.map((field) => [field.shortName, field.value])).toEqual(
      [
        ['CN', 'com.apple.servermgrd.apns.mail'],
        ['C', 'US'],
      ],
    );
  });

  it('holds a 2048-bit RSA key', () => {
    const csr = forge.pki.certificationRequestFromPem(mailKey.csrPem);
    const publicKey = csr.publicKey as forge.pki.rsa.PublicKey;

    expect(publicKey.n.bitLength()).toBe(2048);
    expect(csr.verify()).toBe(true);
  });

  it('matches the returned key', () => {
    const csr = forge.pki.certificationRequestFromPem(mailKey.csrPem);
    const key = forge.pki.privateKeyFromPem(mailKey.keyPem);

    expect((csr.publicKey as forge.pki.rsa.PublicKey).n.equals(key.n)).toBe(true);
  });

  it('makes a fresh key each time', () => {
    expect(createServiceKey('mail').keyPem).not.toBe(mailKey.keyPem);
  });

  it('uses the alerts key name', () => {
    const csr = forge.pki.certificationRequestFromPem(createServiceKey('alerts').csrPem);

    expect(csr.subject.getField('CN')?.value).toBe('com.apple.server.apns.alerts');
  });
});
