import type { KeyObject } from 'node:crypto';
import { signProviderToken } from '../credentials/jwt.js';
import { checkTokenIdentifiers, readTokenKey } from '../credentials/token-key.js';
import type { Logger } from '../log/logger.js';
import type { TokenCredential } from './types.js';

/**
 * Apple's provider API documentation: refresh a token no more than once every 20
 * minutes and no less than once every 60. APNs rejects an iat older than an hour with
 * 403 ExpiredProviderToken, and a token renewed too often with 429
 * TooManyProviderTokenUpdates. 50 minutes stays inside that window with room for clock skew.
 */
export const TOKEN_REFRESH_AFTER_MS = 50 * 60_000;
export const TOKEN_MIN_UPDATE_INTERVAL_MS = 20 * 60_000;

export type TokenSigningReason =
  | 'first push'
  | 'scheduled refresh'
  | 'ExpiredProviderToken';

interface CurrentToken {
  jwt: string;
  issuedAtMs: number;
  reason: TokenSigningReason;
}

/**
 * The provider token (JWT) of one ApnsClient: signed on the first push, reused for every
 * request, replaced on schedule after 50 minutes and early only when APNs reports it
 * expired. Apple's documentation does not settle whether the 20-minute limit counts per
 * connection or per key, so each client (one per container or process) keeps its own JWT
 * for its own connection, and never signs per request.
 */
export class ProviderTokens {
  readonly #key: KeyObject;
  readonly #keyId: string;
  readonly #teamId: string;
  readonly #now: () => number;
  readonly #logger: Logger;
  #current: CurrentToken | undefined;
  #signed = 0;
  #reportedStale: string | undefined;

  /** Throws CredentialError when the key is not P-256 or an identifier is malformed. */
  constructor(credential: TokenCredential, now: () => number, logger: Logger) {
    checkTokenIdentifiers(credential.keyId, credential.teamId);
    this.#key = readTokenKey(credential.keyPem, 'the APNs token credential');
    this.#keyId = credential.keyId;
    this.#teamId = credential.teamId;
    this.#now = now;
    this.#logger = logger;
  }

  /** Number of JWTs signed so far. */
  get signed(): number {
    return this.#signed;
  }

  /** Returns the JWT to send now, signing one first if there is none or it is 50 minutes old. */
  current(): string {
    const current = this.#current;
    if (current === undefined) return this.#sign('first push');
    if (this.#now() - current.issuedAtMs >= TOKEN_REFRESH_AFTER_MS) {
      return this.#sign('scheduled refresh');
    }
    return current.jwt;
  }

  /**
   * Handles 403 ExpiredProviderToken for `rejected` and reports whether the push should
   * be sent once more. When another push already replaced `rejected`, the push is retried
   * with the replacement. The current JWT is replaced at once, even when younger than 20
   * minutes, because APNs will not take it again. A JWT that was itself signed after
   * ExpiredProviderToken is kept for 20 minutes, so a skewed clock cannot cause a
   * signing loop.
   */
  renewAfterExpired(rejected: string): boolean {
    const current = this.#current;
    if (current === undefined || current.jwt !== rejected) return true;

    const age = this.#now() - current.issuedAtMs;
    if (current.reason === 'ExpiredProviderToken' && age < TOKEN_MIN_UPDATE_INTERVAL_MS) {
      // One line per JWT: every push until the next renewal ends here.
      if (this.#reportedStale !== current.jwt) {
        this.#reportedStale = current.jwt;
        this.#logger.error('APNs rejected a freshly signed provider token as expired', {
          keyId: this.#keyId,
          ageSeconds: Math.floor(age / 1000),
          hint: "compare this machine's clock with UTC; no new token for 20 minutes",
        });
      }
      return false;
    }
    this.#sign('ExpiredProviderToken');
    return true;
  }

  #sign(reason: TokenSigningReason): string {
    const issuedAtMs = this.#now();
    const jwt = signProviderToken(this.#key, {
      keyId: this.#keyId,
      teamId: this.#teamId,
      issuedAt: Math.floor(issuedAtMs / 1000),
    });
    this.#current = { jwt, issuedAtMs, reason };
    this.#signed += 1;
    // The JWT itself is a credential and never logged.
    this.#logger.info('Signed APNs provider token', { keyId: this.#keyId, reason });
    return jwt;
  }
}
