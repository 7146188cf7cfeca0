import { createPublicKey, verify } from 'node:crypto';

/** The parts of a provider token (JWT) as a test reads them. */
export interface DecodedProviderToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** True when the ES256 signature verifies with the given public key. */
  signedBy(publicKeyPem: string): boolean;
}

/**
 * Decodes the JWT of an `authorization: bearer <jwt>` header; throws when the header is
 * missing or not a three-part bearer token. Tests use it to check the token themselves,
 * beside the stand-in's own check.
 */
export function decodeBearerToken(
  authorization: string | string[] | undefined,
): DecodedProviderToken {
  const match = /^bearer (\S+)$/.exec(String(authorization ?? ''));
  const parts = match?.[1]?.split('.') ?? [];
  const [header, claims, signature] = parts;
  if (parts.length !== 3 || header === undefined || claims === undefined) {
    throw new Error(
      `'${String(authorization)}' is not an authorization: bearer <jwt> header`,
    );
  }
  return {
    header: decodePart(header),
    claims: decodePart(claims),
    signedBy: (publicKeyPem) =>
      verify(
        'sha256',
        Buffer.from(`${header}.${claims}`),
        { key: createPublicKey(publicKeyPem), dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature ?? '', 'base64url'),
      ),
  };
}

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
