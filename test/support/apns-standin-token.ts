import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { RuleViolation } from './apns-standin-rules.js';

/**
 * Provider token (JWT) rules of Apple's "Establishing a token-based connection to APNs"
 * and "Handling notification responses from APNs", written from that documentation.
 * A token is an ES256 JWT whose kid and iss name a known key and team, with an iat no
 * older than one hour, and no new token may follow the last within 20 minutes.
 */

export const MAX_TOKEN_AGE_MS = 60 * 60_000;
export const MIN_TOKEN_UPDATE_INTERVAL_MS = 20 * 60_000;

/** A token key the stand-in accepts. */
export interface StandinTokenKey {
  keyId: string;
  teamId: string;
  /** SPKI PEM of the key's public half. */
  publicKeyPem: string;
  /** Topics the key's team may push to. */
  topics: string[];
}

export interface StandinTokenAuth {
  keys: StandinTokenKey[];
  /**
   * What the 20-minute update limit counts against: each HTTP/2 connection or each key.
   * Apple's documentation does not settle it, so tests choose; default 'connection'.
   */
  updateScope?: 'connection' | 'key';
  /** Clock in epoch ms; default Date.now. */
  now?: () => number;
}

export type TokenCheck =
  | { ok: true; key: StandinTokenKey }
  | { ok: false; violation: RuleViolation };

const INVALID: TokenCheck = {
  ok: false,
  violation: { status: 403, reason: 'InvalidProviderToken' },
};

/** Checks the authorization header of each request against the configured keys. */
export class ProviderTokenVerifier {
  readonly #keys = new Map<string, { key: StandinTokenKey; publicKey: KeyObject }>();
  readonly #seen = new Set<string>();
  /** Per scope (a connection or a key): the token accepted last and when. */
  readonly #accepted = new Map<string, { jwt: string; atMs: number }>();
  readonly #scope: 'connection' | 'key';
  readonly #now: () => number;

  constructor(auth: StandinTokenAuth) {
    for (const key of auth.keys) {
      this.#keys.set(key.keyId, { key, publicKey: createPublicKey(key.publicKeyPem) });
    }
    this.#scope = auth.updateScope ?? 'connection';
    this.#now = auth.now ?? Date.now;
  }

  /** Number of distinct bearer tokens received, valid or not. */
  get distinctTokens(): number {
    return this.#seen.size;
  }

  /** Checks one request's authorization header; `session` numbers its connection. */
  check(authorization: string | string[] | undefined, session: number): TokenCheck {
    if (authorization === undefined || authorization === '') {
      return { ok: false, violation: { status: 403, reason: 'MissingProviderToken' } };
    }
    const match = /^bearer ([^\s]+)$/i.exec(String(authorization));
    if (match?.[1] === undefined) return INVALID;
    const jwt = match[1];
    this.#seen.add(jwt);

    const verified = this.#verify(jwt);
    if (!verified.ok) return verified;
    return this.#checkUpdateRate(jwt, verified.key, session);
  }

  #verify(jwt: string): TokenCheck {
    const [headerPart, claimsPart, signaturePart, ...rest] = jwt.split('.');
    if (signaturePart === undefined || rest.length > 0) return INVALID;
    const header = decodeJson(headerPart ?? '');
    const claims = decodeJson(claimsPart ?? '');
    if (header === undefined || claims === undefined) return INVALID;
    if (header.alg !== 'ES256' || typeof header.kid !== 'string') return INVALID;

    const known = this.#keys.get(header.kid);
    if (known === undefined || claims.iss !== known.key.teamId) return INVALID;
    const signed = verify(
      'sha256',
      Buffer.from(`${headerPart}.${claimsPart}`),
      { key: known.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!signed) return INVALID;

    const { iat } = claims;
    if (typeof iat !== 'number' || !Number.isInteger(iat)) return INVALID;
    const nowMs = this.#now();
    if (iat > Math.floor(nowMs / 1000)) return INVALID;
    if (nowMs - iat * 1000 > MAX_TOKEN_AGE_MS) {
      return { ok: false, violation: { status: 403, reason: 'ExpiredProviderToken' } };
    }
    return { ok: true, key: known.key };
  }

  #checkUpdateRate(jwt: string, key: StandinTokenKey, session: number): TokenCheck {
    const scope = this.#scope === 'key' ? `key ${key.keyId}` : `connection ${session}`;
    const previous = this.#accepted.get(scope);
    const nowMs = this.#now();
    if (previous?.jwt === jwt) return { ok: true, key };
    if (previous !== undefined && nowMs - previous.atMs < MIN_TOKEN_UPDATE_INTERVAL_MS) {
      return {
        ok: false,
        violation: { status: 429, reason: 'TooManyProviderTokenUpdates' },
      };
    }
    this.#accepted.set(scope, { jwt, atMs: nowMs });
    return { ok: true, key };
  }
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
