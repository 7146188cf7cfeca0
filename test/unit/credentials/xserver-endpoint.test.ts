import { describe, expect, it } from 'vitest';
import {
  APPLE_XSERVER_ENDPOINT,
  operationUrl,
  resolveXServerEndpoint,
} from '../../../shared/credentials/xserver/endpoint.js';
import { XServerError } from '../../../shared/credentials/xserver/errors.js';
import {
  normalizeSerialNumber,
  serialNumberOfCertificate,
} from '../../../shared/credentials/xserver/serial-number.js';
import { createTestCa } from '../../support/pki.js';

describe('resolveXServerEndpoint', () => {
  it('has no default', () => {
    expect(() => resolveXServerEndpoint(undefined)).toThrow(
      /no XServer certificate endpoint/,
    );
    expect(() => resolveXServerEndpoint('  ')).toThrow(XServerError);
  });

  it("maps 'apple' to the historical URL", () => {
    expect(resolveXServerEndpoint('apple').href).toBe(APPLE_XSERVER_ENDPOINT);
    expect(APPLE_XSERVER_ENDPOINT).toBe('https://identity.apple.com/pushcert/caservice');
  });

  it('accepts an https URL', () => {
    expect(resolveXServerEndpoint('https://127.0.0.1:8443/ca').href).toBe(
      'https://127.0.0.1:8443/ca',
    );
  });

  it('rejects plain http', () => {
    expect(() => resolveXServerEndpoint('http://127.0.0.1/ca')).toThrow(/over https/);
  });

  it('rejects a query string', () => {
    expect(() => resolveXServerEndpoint('https://127.0.0.1/ca?x=1')).toThrow(/no query/);
  });

  it('rejects a non-URL', () => {
    expect(() => resolveXServerEndpoint('identity.apple.com')).toThrow(/not a URL/);
  });
});

describe('operationUrl', () => {
  it('appends new and renew', () => {
    const endpoint = new URL(APPLE_XSERVER_ENDPOINT);

    expect(operationUrl(endpoint, 'new').href).toBe(`${APPLE_XSERVER_ENDPOINT}/new`);
    expect(operationUrl(endpoint, 'renew').href).toBe(`${APPLE_XSERVER_ENDPOINT}/renew`);
  });

  it('ignores a trailing slash', () => {
    expect(operationUrl(new URL('https://127.0.0.1/ca/'), 'new').href).toBe(
      'https://127.0.0.1/ca/new',
    );
  });
});

describe('normalizeSerialNumber', () => {
  it.each([
    ['0A1B2C', 'a1b2c'],
    ['00ff', 'ff'],
    ['01:AB:cd', '1abcd'],
    ['0', '0'],
    [' 7f ', '7f'],
  ])('writes %s as %s', (input, expected) => {
    expect(normalizeSerialNumber(input)).toBe(expected);
  });

  it('rejects non-hex text', () => {
    expect(() => normalizeSerialNumber('12g4')).toThrow(/not hexadecimal/);
  });
});

describe('serialNumberOfCertificate', () => {
  it('reads the certificate serial', () => {
    const ca = createTestCa();
    const expected = ca.certificate.serialNumber.toLowerCase().replace(/^0+/, '');

    expect(serialNumberOfCertificate(ca.certPem, 'test file')).toBe(expected);
  });

  it('names a file without certificate', () => {
    expect(() => serialNumberOfCertificate('nope', "file 'x.pem'")).toThrow(
      /file 'x.pem' contains no readable PEM certificate/,
    );
  });
});

describe('resolveXServerEndpoint user info', () => {
  it('hides user info in errors', () => {
    expect(() => resolveXServerEndpoint('http://svc:s3cret@127.0.0.1/ca')).toThrow(
      /'http:\/\/…@127\.0\.0\.1\/ca' is invalid/,
    );
  });

  it('never repeats the password', () => {
    let message = '';
    try {
      resolveXServerEndpoint('http://svc:s3cret@127.0.0.1/ca');
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).not.toContain('s3cret');
  });
});
