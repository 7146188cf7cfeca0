import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Returns true when the request carries the shared secret, as
 * `Authorization: Bearer <secret>` or as the password of HTTP Basic (a Dovecot
 * plugin URL can carry user:password). Compares in constant time.
 */
export function carriesSecret(req: IncomingMessage, secret: string): boolean {
  const header = req.headers.authorization;
  if (header === undefined) {
    return false;
  }

  const space = header.indexOf(' ');
  if (space < 0) {
    return false;
  }
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();

  if (scheme === 'bearer') {
    return equalsInConstantTime(value, secret);
  }
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && equalsInConstantTime(decoded.slice(colon + 1), secret);
  }
  return false;
}

// Hashing first gives both sides the same length, so timingSafeEqual leaks no length either.
function equalsInConstantTime(presented: string, expected: string): boolean {
  const presentedDigest = createHash('sha256').update(presented).digest();
  const expectedDigest = createHash('sha256').update(expected).digest();
  return timingSafeEqual(presentedDigest, expectedDigest);
}
