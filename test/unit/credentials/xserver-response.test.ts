import { build, type PlistValue } from 'plist';
import { describe, expect, it } from 'vitest';
import { XServerError } from '../../../shared/credentials/xserver/errors.js';
import {
  type IssuedEntry,
  pickIssuedCertificate,
  readServiceResponse,
} from '../../../shared/credentials/xserver/response.js';
import type { ServiceResponse } from '../../../shared/credentials/xserver/transport.js';

const url = new URL('https://127.0.0.1:9/pushcert/caservice/new');
const PEM = (name: string) =>
  `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;

function plistResponse(document: PlistValue, status = 200): ServiceResponse {
  return {
    status,
    contentType: 'text/x-xml-plist',
    body: Buffer.from(build(document)),
  };
}

function statusOnly(errorCode: number, message = ''): ServiceResponse {
  return plistResponse({
    Response: {
      Status: { ErrorCode: errorCode, ErrorMessage: message, ErrorDescription: '' },
    },
  });
}

function caught(response: ServiceResponse): XServerError {
  try {
    readServiceResponse(response, url);
  } catch (error) {
    if (error instanceof XServerError) return error;
    throw error;
  }
  throw new Error('readServiceResponse accepted the response');
}

describe('readServiceResponse success', () => {
  it('returns certificates in order', () => {
    const entries = readServiceResponse(
      plistResponse({
        Response: {
          Status: { ErrorCode: 0 },
          Certificates: [{ Certificate: PEM('mail') }, { Certificate: PEM('calendar') }],
        },
      }),
      url,
    );

    expect(entries.map((entry) => entry.certPem)).toEqual([PEM('mail'), PEM('calendar')]);
  });

  it('keeps CertRequestNo and ServiceType', () => {
    const entries = readServiceResponse(
      plistResponse({
        Response: {
          Status: { ErrorCode: 0 },
          Certificates: [
            { Certificate: PEM('mail'), CertRequestNo: 0, ServiceType: 'Service_Mail' },
          ],
        },
      }),
      url,
    );

    expect(entries[0]?.requestNumber).toBe(0);
    expect(entries[0]?.serviceType).toBe('Service_Mail');
  });
});

describe('readServiceResponse errors', () => {
  it('maps -80010 to service-discontinued', () => {
    const error = caught(statusOnly(-80010, 'ServiceType is Invalid.'));

    expect(error.code).toBe('service-discontinued');
    expect(error.message).toContain('ErrorCode -80010 (ServiceType is Invalid.)');
  });

  it('maps -20358 to invalid-session', () => {
    const error = caught(statusOnly(-20358, 'Invalid Session'));

    expect(error.code).toBe('invalid-session');
    expect(error.message).toContain('ErrorCode -20358 (Invalid Session)');
  });

  it('maps -80004 to bad-credentials', () => {
    const error = caught(statusOnly(-80004));

    expect(error.code).toBe('bad-credentials');
    expect(error.message).toContain('ErrorCode -80004:');
  });

  it('shows other codes and messages', () => {
    const error = caught(statusOnly(-12345, 'Something else'));

    expect(error.code).toBe('service-error');
    expect(error.serviceErrorCode).toBe(-12345);
    expect(error.message).toContain('ErrorCode -12345 (Something else)');
  });

  it('reports an HTML error page', () => {
    const error = caught({
      status: 502,
      contentType: 'text/html',
      body: Buffer.from('<html><head><title>502 Bad Gateway</title></head></html>'),
    });

    expect(error.code).toBe('http-error');
    expect(error.httpStatus).toBe(502);
    expect(error.message).toContain("HTTP 502 with an HTML page ('502 Bad Gateway')");
  });

  it('reports HTML sent with 200', () => {
    const error = caught({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: Buffer.from('<!DOCTYPE html><html><body>maintenance</body></html>'),
    });

    expect(error.code).toBe('http-error');
    expect(error.httpStatus).toBe(200);
  });

  it('reports a plist error status', () => {
    const error = caught(plistResponse({ Response: {} }, 500));

    expect(error.code).toBe('http-error');
    expect(error.httpStatus).toBe(500);
  });

  it('requires an ErrorCode', () => {
    const error = caught(plistResponse({ Response: { Certificates: [] } }));

    expect(error.code).toBe('bad-response');
    expect(error.message).toContain('no Response.Status.ErrorCode');
  });

  it('requires certificates on success', () => {
    const error = caught(plistResponse({ Response: { Status: { ErrorCode: 0 } } }));

    expect(error.code).toBe('bad-response');
  });

  it('requires a PEM in each entry', () => {
    const error = caught(
      plistResponse({
        Response: { Status: { ErrorCode: 0 }, Certificates: [{ Certificate: 'x' }] },
      }),
    );

    expect(error.code).toBe('bad-response');
    expect(error.message).toContain('Response.Certificates[0]');
  });

  it('reports a broken plist', () => {
    const error = caught({
      status: 200,
      contentType: 'text/x-xml-plist',
      body: Buffer.from('<plist version="1.0"><dict><key>Response</key>'),
    });

    expect(error.code).toBe('bad-response');
  });
});

describe('pickIssuedCertificate', () => {
  const labelled: IssuedEntry[] = [
    { certPem: PEM('alerts'), requestNumber: 1, serviceType: 'Service_Alerts' },
    { certPem: PEM('mail'), requestNumber: 0, serviceType: 'Service_Mail' },
  ];

  it('picks by request number', () => {
    expect(pickIssuedCertificate(labelled, 'mail', 0, url)).toBe(PEM('mail'));
  });

  it('picks by ServiceType', () => {
    const typed = labelled.map(({ certPem, serviceType }) =>
      serviceType === undefined ? { certPem } : { certPem, serviceType },
    );

    expect(pickIssuedCertificate(typed, 'mail', 0, url)).toBe(PEM('mail'));
  });

  it('falls back to request order', () => {
    const plain = [{ certPem: PEM('mail') }, { certPem: PEM('alerts') }];

    expect(pickIssuedCertificate(plain, 'mail', 0, url)).toBe(PEM('mail'));
  });

  it('fails when the entry is missing', () => {
    expect(() => pickIssuedCertificate([], 'mail', 0, url)).toThrow(
      /none for Service_Mail/,
    );
  });
});
