import { ConfigError } from '@reelay/core';
import { describe, expect, it } from 'vitest';
import { authProblems, isLoopbackHost, loadApiConfig, parseApiEnv, parseTokens } from './api-config.ts';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadApiConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('API configuration', () => {
  it('has defaults for everything but the tokens', () => {
    const c = loadApiConfig({ API_TOKENS: 'one, two ,,' });
    expect(c.api).toEqual({
      host: '127.0.0.1',
      port: 8080,
      tokens: [
        { token: 'one', tenant: 'default' },
        { token: 'two', tenant: 'default' },
      ],
      bodyLimitBytes: 1024 * 1024,
      allowNoAuth: false,
      maxStreams: 1000,
      maxStreamsPerToken: 100,
    });
    expect(c.prefix).toBe('reelay');
  });

  it('reads the events stream caps, naming the variable and the rule of a bad one', () => {
    const c = loadApiConfig({ API_TOKENS: 'x', API_MAX_STREAMS: '50', API_MAX_STREAMS_PER_TOKEN: '5' });
    expect(c.api).toMatchObject({ maxStreams: 50, maxStreamsPerToken: 5 });
    const problemsOf = (env: Record<string, string>) => {
      const r = parseApiEnv({ API_TOKENS: 'x', ...env });
      return r.ok ? [] : r.problems;
    };
    expect(problemsOf({ API_MAX_STREAMS: '0' })).toEqual([
      'API_MAX_STREAMS: must be an integer from 1 to 100000',
    ]);
    expect(problemsOf({ API_MAX_STREAMS_PER_TOKEN: '1.5' })).toEqual([
      'API_MAX_STREAMS_PER_TOKEN: must be an integer from 1 to 100000',
    ]);
    expect(problemsOf({ API_MAX_STREAMS: '10', API_MAX_STREAMS_PER_TOKEN: '11' })).toEqual([
      'API_MAX_STREAMS_PER_TOKEN: must be at most API_MAX_STREAMS (10)',
    ]);
  });

  it('reads every variable, treating empty as unset', () => {
    const c = loadApiConfig({
      HOST: '0.0.0.0',
      API_PORT: '9000',
      API_TOKENS: 'x',
      API_BODY_LIMIT_BYTES: '4096',
      API_ALLOW_NO_AUTH: '',
    });
    expect(c.api).toMatchObject({ host: '0.0.0.0', port: 9000, bodyLimitBytes: 4096, allowNoAuth: false });
  });

  it("names every bad variable, core's and the API's, in one error", () => {
    const problems = problemsOf({ API_PORT: 'x', API_BODY_LIMIT_BYTES: '10', LOG_LEVEL: 'loud' });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named).toEqual(
      expect.arrayContaining(['API_PORT', 'API_BODY_LIMIT_BYTES', 'LOG_LEVEL', 'API_TOKENS']),
    );
  });

  it('refuses a WEBHOOK_DEFAULT_URL the SSRF check refuses, with the other problems', () => {
    const problems = problemsOf({ WEBHOOK_DEFAULT_URL: 'https://169.254.169.254/latest', API_PORT: 'x' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'API_PORT',
      'API_TOKENS',
      'WEBHOOK_DEFAULT_URL',
    ]);
    expect(problems.join('\n')).toContain(
      'WEBHOOK_DEFAULT_URL: webhook host 169.254.169.254 is in a blocked address range',
    );
    const dev = {
      API_TOKENS: 'x',
      WEBHOOK_DEFAULT_URL: 'http://127.0.0.1:9/h',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    };
    expect(loadApiConfig(dev).webhook.defaultUrl).toBe('http://127.0.0.1:9/h');
  });

  it('refuses to run without tokens unless allowed, and then only on loopback', () => {
    expect(problemsOf({}).join()).toContain('API_TOKENS: is required');
    expect(problemsOf({ API_ALLOW_NO_AUTH: 'true', HOST: '0.0.0.0' }).join()).toContain(
      'API_ALLOW_NO_AUTH: only allowed when HOST is a loopback address',
    );
    expect(loadApiConfig({ API_ALLOW_NO_AUTH: 'true' }).api).toMatchObject({ tokens: [], allowNoAuth: true });
    expect(loadApiConfig({ API_ALLOW_NO_AUTH: 'true', HOST: '::1' }).api.host).toBe('::1');
    expect(authProblems({ tokens: ['t'], allowNoAuth: true, host: '0.0.0.0' })).toEqual([]);
  });

  it('never echoes a token in a problem', () => {
    const result = parseApiEnv({ API_TOKENS: 'good-token,bad token with spaces' });
    expect(result).toEqual({
      ok: false,
      problems: ['API_TOKENS: token 2 must be visible ASCII without spaces'],
    });
  });

  it('binds a token to a tenant after its last colon; a bare one is default, `*` an operator', () => {
    expect(parseTokens('bare, acme-tok:acme ,op-tok:*,with:colon:t.e_n-1')).toEqual({
      tokens: [
        { token: 'bare', tenant: 'default' },
        { token: 'acme-tok', tenant: 'acme' },
        { token: 'op-tok', tenant: '*' },
        { token: 'with:colon', tenant: 't.e_n-1' },
      ],
      problems: [],
    });
    // The same token twice with the same tenant is harmless (rotation lists overlap).
    expect(parseTokens('a:x,a:x').problems).toEqual([]);
  });

  it('refuses a bad tenant binding, naming the token by position and never its value', () => {
    const secret = 'tok_secret_9f8e7d';
    const { problems } = parseTokens(
      `${secret}:ok,${secret}1:bad/name,${secret}2:,:acme,${secret}:other,${secret}3:${'x'.repeat(65)}`,
    );
    expect(problems).toEqual([
      'API_TOKENS: token 2: the tenant after ":" must be "*" or 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"',
      'API_TOKENS: token 3: the tenant after ":" must be "*" or 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"',
      'API_TOKENS: token 4 has nothing before its ":tenant"',
      'API_TOKENS: token 5 repeats token 1 with another tenant',
      'API_TOKENS: token 6: the tenant after ":" must be "*" or 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"',
    ]);
    expect(problems.join()).not.toContain(secret);
    expect(problemsOf({ API_TOKENS: `${secret}:a b` }).join()).toContain('API_TOKENS: token 1');
  });

  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', '::', 'example.com', '127.0.0.1.evil.com'])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
