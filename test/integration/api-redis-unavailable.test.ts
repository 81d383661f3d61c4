/**
 * Issue #14: with Redis frozen (SIGSTOP) or killed, the routes that touch it answer 503
 * problem+json with Retry-After within REDIS_COMMAND_TIMEOUT_MS (here 300 ms), instead of
 * hanging (frozen) or answering 500 after many seconds (down).
 */
import { type RedisServerProcess, startRedisServer } from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { type ApiServer, createApiServer, PROBLEM_CONTENT_TYPE } from 'api';
import { afterEach, describe, expect, it } from 'vitest';

const TOKEN = 'tok_default_unavailable_0a1b2c3d';
const OPERATOR_TOKEN = 'tok_operator_unavailable_4e5f6a7b';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const OPERATOR_AUTH = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const TOKENS = [
  { token: TOKEN, tenant: 'default' },
  { token: OPERATOR_TOKEN, tenant: '*' },
];
const validRequest = (prompt = 'a small black cat') => ({
  input: { prompt, media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] },
  parameters: { duration: 5, resolution: '720P' },
});

const TIMEOUT_MS = 300;
const SLACK_MS = 700;

let server: RedisServerProcess | undefined;
let producer: Producer | undefined;
let app: ApiServer | undefined;
let frozen = false;
afterEach(async () => {
  if (frozen && server?.pid) process.kill(server.pid, 'SIGCONT');
  frozen = false;
  await app?.close();
  await producer?.close().catch(() => {});
  await server?.stop();
  app = producer = server = undefined;
});

async function start(): Promise<{ app: ApiServer; id: string }> {
  server = await startRedisServer();
  producer = createProducer({
    redisUrl: server.url,
    prefix: 'api-unavailable',
    commandTimeoutMs: TIMEOUT_MS,
  });
  app = createApiServer({ producer, tokens: TOKENS });
  const created = await app.inject({
    method: 'POST',
    url: '/v1/generations',
    headers: AUTH,
    payload: { request: validRequest() },
  });
  expect(created.statusCode).toBe(201);
  return { app, id: created.json().id };
}

async function expect503(
  app: ApiServer,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: object,
  headers: Record<string, string> = AUTH,
) {
  const started = performance.now();
  const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const ms = performance.now() - started;
  expect(res.statusCode, `${method} ${url}`).toBe(503);
  expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.json()).toMatchObject({
    status: 503,
    code: 'REELAY_API_UNAVAILABLE',
    type: 'urn:reelay:problem:unavailable',
  });
  expect(ms, `${method} ${url}`).toBeLessThan(TIMEOUT_MS + SLACK_MS);
}

describe('the API against an unavailable Redis', () => {
  it('answers 503 with Retry-After within the timeout while Redis is frozen', async () => {
    const { app, id } = await start();
    process.kill(server!.pid!, 'SIGSTOP');
    frozen = true;
    await expect503(app, 'POST', '/v1/generations', { request: validRequest('another cat') });
    await expect503(app, 'GET', `/v1/generations/${id}`);
    await expect503(app, 'DELETE', `/v1/generations/${id}`);
    await expect503(app, 'GET', '/v1/tenants/default', undefined, OPERATOR_AUTH);
    await expect503(app, 'GET', '/healthz');
    process.kill(server!.pid!, 'SIGCONT');
    frozen = false;
    const res = await app.inject({ method: 'GET', url: `/v1/generations/${id}`, headers: AUTH });
    expect(res.statusCode).toBe(200);
  }, 20_000);

  it('answers 503 fast, not 500, while Redis is down', async () => {
    const { app, id } = await start();
    await server!.kill('SIGKILL');
    await expect503(app, 'GET', `/v1/generations/${id}`);
    await expect503(app, 'POST', '/v1/generations', { request: validRequest('another cat') });
  }, 20_000);
});
