import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_TENANT } from '@reelay/contracts';
import { type ApiToken, OPERATOR_TENANT } from './api-config.ts';

/**
 * Whose request this is. A tenant's token enqueues into that tenant only and sees only its
 * generations (and its own tenant record); an operator's sees every tenant and may change them.
 */
export type Caller = { operator: true } | { operator: false; tenant: string };
export const OPERATOR: Caller = { operator: true };

/**
 * `token` is the position of the matching token in the configured list (0-based): it tells
 * tokens apart (the events stream cap is per token) without holding the token itself.
 */
export type AuthVerdict =
  | { ok: true; caller: Caller; token: number }
  | { ok: false; reason: 'missing' | 'invalid' };
export type TokenCheck = (authorization: string | undefined) => AuthVerdict;

// Hashing first gives equal-length buffers, so neither a token's length nor its prefix leaks
// through timing, and timingSafeEqual never throws on a length mismatch.
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** `Bearer <token>` (scheme case-insensitive, RFC 6750) → the token; undefined otherwise. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  return /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization)?.[1];
}

/** A configured token: a bare string is a token of the `default` tenant (as in API_TOKENS). */
export const toApiToken = (t: string | ApiToken): ApiToken =>
  typeof t === 'string' ? { token: t, tenant: DEFAULT_TENANT } : t;

const callerOf = (tenant: string): Caller =>
  tenant === OPERATOR_TENANT ? OPERATOR : { operator: false, tenant };

/**
 * Checks an Authorization header against every configured token in constant time: all tokens
 * are compared on every call, so which token matched (or how many exist) does not show either.
 */
export function createTokenCheck(tokens: readonly (string | ApiToken)[]): TokenCheck {
  const entries = tokens
    .map(toApiToken)
    .map((t) => ({ digest: digest(t.token), caller: callerOf(t.tenant) }));
  return (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return { ok: false, reason: authorization ? 'invalid' : 'missing' };
    const candidate = digest(token);
    let caller: Caller | undefined;
    let index = -1;
    entries.forEach((e, i) => {
      // Every entry is compared; the first match wins (the config refuses a token bound twice).
      const equal = timingSafeEqual(candidate, e.digest);
      index = equal && !caller ? i : index;
      caller = equal && !caller ? e.caller : caller;
    });
    return caller ? { ok: true, caller, token: index } : { ok: false, reason: 'invalid' };
  };
}

/** Whether the caller may see what belongs to `tenant`. */
export const sees = (caller: Caller, tenant: string): boolean => caller.operator || caller.tenant === tenant;

/** The challenge for a 401 (RFC 6750 §3): `error="invalid_token"` only when a token was sent. */
export function bearerChallenge(reason: 'missing' | 'invalid'): string {
  return reason === 'invalid' ? 'Bearer realm="reelay", error="invalid_token"' : 'Bearer realm="reelay"';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent it: set by the auth hook before any authenticated route runs. */
    caller: Caller;
    /** Which configured token it carried (AuthVerdict's `token`); -1 when serving without auth. */
    tokenIndex: number;
  }
}
