import { ConfigError } from '@reelay/core';
import { describe, expect, it } from 'vitest';
import { loadDashboardConfig, parseDashboardEnv } from './config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadDashboardConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadDashboardConfig', () => {
  it('defaults to 127.0.0.1:3000 and, with no credentials there, no authentication', () => {
    const c = loadDashboardConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 3000, auth: { kind: 'none' } });
    expect(c.reelay.prefix).toBe('reelay');
  });

  it('reads host, port, credentials and core variables', () => {
    const c = loadDashboardConfig({
      HOST: '0.0.0.0',
      DASHBOARD_PORT: '8080',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 's3cret',
      REELAY_QUEUE_PREFIX: 'prod',
    });
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      auth: { kind: 'basic', user: 'ops', password: 's3cret' },
    });
    expect(c.reelay.prefix).toBe('prod');
  });

  it.each(['true', '1', 'yes', 'TRUE'])('DASHBOARD_TRUST_PROXY_AUTH=%s trusts the proxy', (v) => {
    expect(loadDashboardConfig({ HOST: '0.0.0.0', DASHBOARD_TRUST_PROXY_AUTH: v }).auth).toEqual({
      kind: 'trusted-proxy',
    });
  });

  it("names every bad variable in one error, core's and the dashboard's", () => {
    const problems = problemsOf({
      REDIS_URL: 'http://nope',
      HOST: '0.0.0.0',
      DASHBOARD_PORT: '70000',
      DASHBOARD_TRUST_PROXY_AUTH: 'maybe',
    });
    const vars = problems.map((p) => p.slice(0, p.indexOf(':')));
    expect(vars).toEqual(
      expect.arrayContaining(['REDIS_URL', 'DASHBOARD_PORT', 'DASHBOARD_TRUST_PROXY_AUTH', 'DASHBOARD_USER']),
    );
  });

  it('refuses a WEBHOOK_DEFAULT_URL the SSRF check refuses, as every process does', () => {
    expect(problemsOf({ WEBHOOK_DEFAULT_URL: 'https://169.254.169.254/latest' })).toEqual([
      expect.stringMatching(
        /^WEBHOOK_DEFAULT_URL: webhook host 169\.254\.169\.254 is in a blocked address range/,
      ),
    ]);
    const dev = { WEBHOOK_DEFAULT_URL: 'http://127.0.0.1:9/h', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' };
    expect(loadDashboardConfig(dev).reelay.webhook.defaultUrl).toBe('http://127.0.0.1:9/h');
  });

  it('reports its own problems once when core is happy', () => {
    const problems = problemsOf({ HOST: '0.0.0.0' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DASHBOARD_USER: /);
  });

  it('never puts the password in a problem', () => {
    const problems = problemsOf({ DASHBOARD_PASSWORD: 'hunter2-secret', DASHBOARD_PORT: 'x' });
    expect(problems.join('\n')).not.toContain('hunter2-secret');
  });
});

describe('parseDashboardEnv', () => {
  it.each(['-1', '1.5', 'abc', '65536'])('rejects DASHBOARD_PORT=%s', (port) => {
    const r = parseDashboardEnv({ DASHBOARD_PORT: port });
    expect(r.ok || r.problems).toEqual(['DASHBOARD_PORT: must be an integer from 0 to 65535']);
  });

  it('treats empty variables as unset', () => {
    const r = parseDashboardEnv({
      HOST: '',
      DASHBOARD_PORT: ' ',
      DASHBOARD_USER: '',
      DASHBOARD_PASSWORD: '',
    });
    expect(r).toEqual({ ok: true, settings: { host: '127.0.0.1', port: 3000, auth: { kind: 'none' } } });
  });
});
