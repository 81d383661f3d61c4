import { describe, expect, it } from 'vitest';
import { bearerChallenge, bearerToken, createTokenCheck } from './auth.ts';

describe('bearer auth', () => {
  it('reads the token of a Bearer header, scheme in any case', () => {
    expect(bearerToken('Bearer abc.def-1')).toBe('abc.def-1');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwdw==')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('accepts each configured token and nothing else', () => {
    const check = createTokenCheck(['first-token', 'second-token']);
    expect(check('Bearer first-token')).toEqual({ ok: true });
    expect(check('Bearer second-token')).toEqual({ ok: true });
    expect(check('Bearer first-toke')).toEqual({ ok: false, reason: 'invalid' });
    expect(check('Bearer first-token-and-more')).toEqual({ ok: false, reason: 'invalid' });
    expect(check('Basic Zmlyc3QtdG9rZW4=')).toEqual({ ok: false, reason: 'invalid' });
    expect(check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check('')).toEqual({ ok: false, reason: 'missing' });
  });

  it('names invalid_token in the challenge only when a token was sent', () => {
    expect(bearerChallenge('missing')).toBe('Bearer realm="reelay"');
    expect(bearerChallenge('invalid')).toBe('Bearer realm="reelay", error="invalid_token"');
  });
});
