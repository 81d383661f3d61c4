import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthVerdict = { ok: true } | { ok: false; reason: 'missing' | 'invalid' };
export type TokenCheck = (authorization: string | undefined) => AuthVerdict;

// Hashing first gives equal-length buffers, so neither a token's length nor its prefix leaks
// through timing, and timingSafeEqual never throws on a length mismatch.
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** `Bearer <token>` (scheme case-insensitive, RFC 6750) → the token; undefined otherwise. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization)?.[1];
}

/**
 * Checks an Authorization header against every configured token in constant time: all tokens
 * are compared on every call, so which token matched (or how many exist) does not show either.
 */
export function createTokenCheck(tokens: readonly string[]): TokenCheck {
  const digests = tokens.map(digest);
  return (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return { ok: false, reason: authorization ? 'invalid' : 'missing' };
    const candidate = digest(token);
    let match = false;
    for (const d of digests) match = timingSafeEqual(candidate, d) || match;
    return match ? { ok: true } : { ok: false, reason: 'invalid' };
  };
}

/** The challenge for a 401 (RFC 6750 §3): `error="invalid_token"` only when a token was sent. */
export function bearerChallenge(reason: 'missing' | 'invalid'): string {
  return reason === 'invalid' ? 'Bearer realm="reelay", error="invalid_token"' : 'Bearer realm="reelay"';
}
