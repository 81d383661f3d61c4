/**
 * Issue #14 for the dashboard: with Redis frozen (SIGSTOP) or killed, its own routes (find,
 * tenants, batches, upstream, pages and JSON, and the forms) answer 503 with Retry-After within
 * REDIS_COMMAND_TIMEOUT_MS (here 300 ms), instead of hanging or answering 500.
 */
import { createLogger } from '@reelay/core';
import { type RedisServerProcess, startRedisServer } from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { createDashboard } from 'dashboard';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

const TIMEOUT_MS = 300;
const SLACK_MS = 700;
const BATCH = 'bat_01jd5qk4zq8r2x7v9w3m6n1p0t';
const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' };

let server: RedisServerProcess | undefined;
let producer: Producer | undefined;
let app: FastifyInstance | undefined;
let frozen = false;
afterEach(async () => {
  if (frozen && server?.pid) process.kill(server.pid, 'SIGCONT');
  frozen = false;
  await app?.close();
  await producer?.close().catch(() => {});
  await server?.stop();
  app = producer = server = undefined;
});

/** A dashboard over a private redis-server, and the hidden fields of its forms read while it answers. */
async function start(): Promise<{ app: FastifyInstance; forms: Record<string, Record<string, string>> }> {
  server = await startRedisServer();
  producer = createProducer({
    redisUrl: server.url,
    prefix: 'dash-unavailable',
    commandTimeoutMs: TIMEOUT_MS,
  });
  await producer.setTenant('acme', { weight: 2 });
  app = createDashboard({
    producer,
    auth: { kind: 'none' },
    logger: createLogger({ level: 'silent' }),
    redisTimeoutMs: TIMEOUT_MS,
  });
  await app.ready();
  const tenants = (await app.inject({ method: 'GET', url: '/tenants' })).body;
  const upstream = (await app.inject({ method: 'GET', url: '/upstream' })).body;
  const csrf = (page: string, action: string) =>
    new RegExp(`action="${action}"[^>]*>[\\s\\S]*?name="csrf" value="([^"]+)"`).exec(page)?.[1] ?? '';
  const forms = {
    '/tenants/pause': { tenant: 'acme', csrf: csrf(tenants, '/tenants/pause') },
    '/upstream/pause': { reason: 'maintenance', csrf: csrf(upstream, '/upstream/pause') },
  };
  for (const fields of Object.values(forms)) expect(fields.csrf).not.toBe('');
  return { app, forms };
}

async function expect503(app: FastifyInstance, url: string, form?: Record<string, string>) {
  const started = performance.now();
  const res = await app.inject(
    form
      ? { method: 'POST', url, headers: FORM, payload: new URLSearchParams(form).toString() }
      : { method: 'GET', url },
  );
  const ms = performance.now() - started;
  const what = `${form ? 'POST' : 'GET'} ${url}`;
  expect(res.statusCode, what).toBe(503);
  expect(Number(res.headers['retry-after']), what).toBeGreaterThan(0);
  expect(res.headers['cache-control'], what).toBe('no-store');
  if (url.split('?')[0]!.endsWith('.json')) {
    expect(res.headers['content-type'], what).toContain('application/json');
    expect(res.json(), what).toMatchObject({ error: 'redis_unavailable' });
  } else {
    expect(res.headers['content-type'], what).toBe('text/html; charset=utf-8');
    expect(res.body, what).toContain('Redis does not answer');
  }
  expect(ms, what).toBeLessThan(TIMEOUT_MS + SLACK_MS);
}

const PAGES = [
  '/find?q=gen_01jd5qk4zq8r2x7v9w3m6n1p0t',
  '/find.json?q=some-idempotency-key',
  '/tenants',
  '/tenants.json',
  '/batches',
  '/batches.json',
  `/batches/${BATCH}`,
  `/batches/${BATCH}.json`,
  '/upstream',
  '/upstream.json',
];

describe('the dashboard against an unavailable Redis', () => {
  it('answers 503 with Retry-After within the timeout while Redis is frozen, and pages again after', async () => {
    const { app, forms } = await start();
    process.kill(server!.pid!, 'SIGSTOP');
    frozen = true;
    for (const url of PAGES) await expect503(app, url);
    for (const [url, fields] of Object.entries(forms)) await expect503(app, url, fields);
    process.kill(server!.pid!, 'SIGCONT');
    frozen = false;
    for (const url of ['/tenants', '/upstream', '/find']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
    }
  }, 30_000);

  it('answers 503 fast, not 500, while Redis is down', async () => {
    const { app, forms } = await start();
    await server!.kill('SIGKILL');
    for (const url of PAGES) await expect503(app, url);
    for (const [url, fields] of Object.entries(forms)) await expect503(app, url, fields);
  }, 30_000);
});
