import { type KeyObject, sign } from 'node:crypto';

/** The identifiers and time an APNs provider token carries. */
export interface ProviderTokenClaims {
  /** Key ID of the .p8 key, sent as the header's kid. */
  keyId: string;
  /** Team ID, sent as the claim iss. */
  teamId: string;
  /** Seconds since the epoch, sent as the claim iat. */
  issuedAt: number;
}

/**
 * Signs an APNs provider token: a JWT with header {"alg":"ES256","kid":keyId} and claims
 * {"iss":teamId,"iat":issuedAt}, as Apple's "Establishing a token-based connection to
 * APNs" describes. JWS (RFC 7518 section 3.4) wants the raw 64-byte R||S signature,
 * not the DER form node:crypto produces by default.
 */
export function signProviderToken(key: KeyObject, claims: ProviderTokenClaims): string {
  const header = base64UrlJson({ alg: 'ES256', kid: claims.keyId });
  const payload = base64UrlJson({ iss: claims.teamId, iat: claims.issuedAt });
  const signingInput = `${header}.${payload}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64UrlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
