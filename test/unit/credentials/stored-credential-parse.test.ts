import { describe, expect, it } from 'vitest';
import { parseStoredCredential } from '../../../shared/credentials/stored-credential-parse.js';

const ORIGIN = "secret 'xaps/apns' AWSCURRENT";
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n';

function developer(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    formatVersion: 1,
    kind: 'developer-certificate',
    topic: 'com.apple.mobilemail.push.com.example.mail',
    environment: 'production',
    notAfter: '2027-11-30T00:00:00.000Z',
    storedAt: '2026-11-30T00:00:00.000Z',
    certPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    keyPem: KEY_PEM,
    ...overrides,
  });
}

function parse(text: string) {
  return () => parseStoredCredential(text, ORIGIN);
}

describe('parseStoredCredential', () => {
  it('reads a developer certificate', () => {
    expect(parse(developer())().kind).toBe('developer-certificate');
  });

  it('reads a token key', () => {
    const text = developer({
      kind: 'token-key',
      certPem: undefined,
      notAfter: null,
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
    });

    expect(parse(text)()).toMatchObject({ kind: 'token-key', keyId: 'ABC123DEFG' });
  });

  it('requires the XServer serial number', () => {
    const text = developer({ kind: 'xserver-certificate' });

    expect(parse(text)).toThrow(/invalid or missing serialNumber/);
  });

  it('rejects a newer formatVersion', () => {
    expect(parse(developer({ formatVersion: 2 }))).toThrow(/newer than the 1 this code/);
  });

  it('rejects a missing formatVersion', () => {
    expect(parse(developer({ formatVersion: undefined }))).toThrow(
      /formatVersion undefined/,
    );
  });

  it('rejects an unknown kind', () => {
    expect(parse(developer({ kind: 'password' }))).toThrow(/kind "password"/);
  });

  it('rejects an unknown environment', () => {
    expect(parse(developer({ environment: 'staging' }))).toThrow(/environment/);
  });

  it('rejects text that is not JSON', () => {
    expect(parse('-----BEGIN CERTIFICATE-----')).toThrow(/is not JSON/);
  });

  it('names the origin in errors', () => {
    expect(parse(developer({ topic: '' }))).toThrow(ORIGIN);
  });

  it('never echoes the private key', () => {
    const text = developer({ certPem: 42 });

    expect(parse(text)).toThrow(/certPem/);
    expect(parse(text)).not.toThrow(/c2VjcmV0/);
  });
});
