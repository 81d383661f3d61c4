import { describe, expect, it } from 'vitest';
import { decideAuth, isLoopbackHost } from './auth-mode.ts';

const base = { user: undefined, password: undefined, trustProxyAuth: false, host: '0.0.0.0' };

describe('decideAuth', () => {
  it('uses basic auth when both user and password are set', () => {
    expect(decideAuth({ ...base, user: 'ops', password: 'pw' })).toEqual({
      ok: true,
      auth: { kind: 'basic', user: 'ops', password: 'pw' },
    });
  });

  it('trusts the proxy when told to, on any address', () => {
    expect(decideAuth({ ...base, trustProxyAuth: true })).toEqual({
      ok: true,
      auth: { kind: 'trusted-proxy' },
    });
  });

  it('refuses neither on a non-loopback address, naming the variables to set', () => {
    const d = decideAuth(base);
    expect(d.ok).toBe(false);
    if (!d.ok)
      expect(d.problems.join('\n')).toMatch(
        /DASHBOARD_USER and DASHBOARD_PASSWORD .*DASHBOARD_TRUST_PROXY_AUTH.*0\.0\.0\.0/,
      );
  });

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('allows none on loopback %s', (host) => {
    expect(decideAuth({ ...base, host })).toEqual({ ok: true, auth: { kind: 'none' } });
  });

  it('names the missing half of the credentials', () => {
    const onlyUser = decideAuth({ ...base, user: 'ops' });
    const onlyPassword = decideAuth({ ...base, password: 'pw', host: '127.0.0.1' });
    expect(onlyUser.ok || onlyUser.problems).toContain(
      'DASHBOARD_PASSWORD: is required when DASHBOARD_USER is set',
    );
    expect(onlyPassword.ok || onlyPassword.problems).toContain(
      'DASHBOARD_USER: is required when DASHBOARD_PASSWORD is set',
    );
  });

  it('refuses a user with a colon and credentials combined with proxy trust', () => {
    const colon = decideAuth({ ...base, user: 'a:b', password: 'pw' });
    expect(colon.ok || colon.problems).toContain('DASHBOARD_USER: must not contain ":"');
    const both = decideAuth({ ...base, user: 'ops', password: 'pw', trustProxyAuth: true });
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.problems[0]).toMatch(/^DASHBOARD_TRUST_PROXY_AUTH: /);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['127.example.com', false],
    ['dashboard.internal', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
