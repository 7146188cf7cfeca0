import { createPrivateKey, verify } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { ProviderTokens } from '../../../shared/apns/provider-token.js';
import type { TokenCredential } from '../../../shared/apns/types.js';
import { signProviderToken } from '../../../shared/credentials/jwt.js';
import { generateTokenKey } from '../../support/pki.js';

const key = generateTokenKey();
const credential: TokenCredential = {
  kind: 'token',
  keyPem: key.keyPem,
  keyId: 'ABC123DEFG',
  teamId: 'DEF123GHIJ',
};
const MINUTE = 60_000;

function decode(part: string | undefined): unknown {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
}

/** ProviderTokens on a settable clock, with a logger whose calls are recorded. */
function tokensAt(startMs = Date.UTC(2026, 0, 1)) {
  const clock = { nowMs: startMs };
  const logger = new Logger({ serviceName: 'provider-token-test', logLevel: 'SILENT' });
  const tokens = new ProviderTokens(credential, () => clock.nowMs, logger);
  return { clock, logger, tokens };
}

describe('signProviderToken', () => {
  const jwt = signProviderToken(createPrivateKey(key.keyPem), {
    keyId: 'ABC123DEFG',
    teamId: 'DEF123GHIJ',
    issuedAt: 1_767_225_600,
  });
  const [header, claims, signature] = jwt.split('.');

  it('writes the ES256 header', () => {
    expect(decode(header)).toEqual({ alg: 'ES256', kid: 'ABC123DEFG' });
  });

  it('writes the iss and iat claims', () => {
    expect(decode(claims)).toEqual({ iss: 'DEF123GHIJ', iat: 1_767_225_600 });
  });

  it('signs as a JWS R||S pair', () => {
    const raw = Buffer.from(signature ?? '', 'base64url');
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${claims}`),
      { key: key.publicKeyPem, dsaEncoding: 'ieee-p1363' },
      raw,
    );

    expect(raw).toHaveLength(64);
    expect(valid).toBe(true);
  });
});

describe('ProviderTokens schedule', () => {
  it('keeps the JWT under 50 minutes', () => {
    const { clock, tokens } = tokensAt();
    const first = tokens.current();

    clock.nowMs += 50 * MINUTE - 1;

    expect(tokens.current()).toBe(first);
    expect(tokens.signed).toBe(1);
  });

  it('replaces the JWT at 50 minutes', () => {
    const { clock, tokens } = tokensAt();
    const first = tokens.current();

    clock.nowMs += 50 * MINUTE;

    expect(tokens.current()).not.toBe(first);
    expect(tokens.signed).toBe(2);
  });

  it('never logs the JWT', () => {
    const { logger, tokens } = tokensAt();
    const info = vi.spyOn(logger, 'info');

    const jwt = tokens.current();

    expect(info).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(info.mock.calls)).not.toContain(jwt.split('.')[2]);
  });
});

describe('ProviderTokens after ExpiredProviderToken', () => {
  it('renews a young scheduled JWT', () => {
    const { clock, tokens } = tokensAt();
    const first = tokens.current();
    clock.nowMs += MINUTE;

    expect(tokens.renewAfterExpired(first)).toBe(true);
    expect(tokens.current()).not.toBe(first);
    expect(tokens.signed).toBe(2);
  });

  it('retries a replaced JWT unsigned', () => {
    const { tokens } = tokensAt();
    const first = tokens.current();
    tokens.renewAfterExpired(first);

    expect(tokens.renewAfterExpired(first)).toBe(true);
    expect(tokens.signed).toBe(2);
  });

  it('keeps a renewed JWT 20 minutes', () => {
    const { clock, tokens } = tokensAt();
    tokens.renewAfterExpired(tokens.current());
    const renewed = tokens.current();
    clock.nowMs += 20 * MINUTE - 1;

    expect(tokens.renewAfterExpired(renewed)).toBe(false);
    expect(tokens.signed).toBe(2);
    clock.nowMs += 1;
    expect(tokens.renewAfterExpired(renewed)).toBe(true);
    expect(tokens.signed).toBe(3);
  });

  it('logs a stale renewal once', () => {
    const { logger, tokens } = tokensAt();
    const error = vi.spyOn(logger, 'error');
    tokens.renewAfterExpired(tokens.current());
    const renewed = tokens.current();

    tokens.renewAfterExpired(renewed);
    tokens.renewAfterExpired(renewed);

    expect(error).toHaveBeenCalledTimes(1);
  });
});
