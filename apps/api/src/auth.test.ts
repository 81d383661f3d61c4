import { describe, expect, it } from 'vitest';
import { bearerChallenge, bearerToken, createTokenCheck, sees } from './auth.ts';

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
    const defaultTenant = { ok: true, caller: { operator: false, tenant: 'default' } };
    // Two tokens of one tenant are told apart by their position (never by their value).
    expect(check('Bearer first-token')).toEqual({ ...defaultTenant, token: 0 });
    expect(check('Bearer second-token')).toEqual({ ...defaultTenant, token: 1 });
    expect(check('Bearer first-toke')).toEqual({ ok: false, reason: 'invalid' });
    expect(check('Bearer first-token-and-more')).toEqual({ ok: false, reason: 'invalid' });
    expect(check('Basic Zmlyc3QtdG9rZW4=')).toEqual({ ok: false, reason: 'invalid' });
    expect(check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check('')).toEqual({ ok: false, reason: 'missing' });
  });

  it("tells whose token it is: a tenant's, or an operator's", () => {
    const check = createTokenCheck([
      { token: 'acme-token', tenant: 'acme' },
      { token: 'op-token', tenant: '*' },
      'bare-token',
    ]);
    const callerOf = (t: string) => {
      const v = check(`Bearer ${t}`);
      return v.ok ? v.caller : v.reason;
    };
    expect(callerOf('acme-token')).toEqual({ operator: false, tenant: 'acme' });
    expect(callerOf('op-token')).toEqual({ operator: true });
    expect(callerOf('bare-token')).toEqual({ operator: false, tenant: 'default' });
    expect(callerOf('acme-token:acme')).toBe('invalid');
    const acme = { operator: false, tenant: 'acme' } as const;
    expect(sees(acme, 'acme')).toBe(true);
    expect(sees(acme, 'default')).toBe(false);
    expect(sees({ operator: true }, 'anyone')).toBe(true);
  });

  it('names invalid_token in the challenge only when a token was sent', () => {
    expect(bearerChallenge('missing')).toBe('Bearer realm="reelay"');
    expect(bearerChallenge('invalid')).toBe('Bearer realm="reelay", error="invalid_token"');
  });
});
