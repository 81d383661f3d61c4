import { randomUUID } from 'node:crypto';
import { createRecordFixture } from '@reelay/core/testing';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FindResult } from './find-generation.ts';
import { OK, PASSWORD, REDIS_URL, SECRETS, SIGNED, USER, useDashboard } from './test-dashboard.ts';

const f = useDashboard();

describe('find a generation', () => {
  const EVIL = '<img src=x onerror=alert(1)>';
  let id: string;
  const key = `order-${randomUUID()}`;

  beforeAll(async () => {
    ({ id } = await f.producer.enqueue(
      {
        input: {
          prompt: 'a cat',
          media: [{ type: 'first_frame', url: `https://example.com/cat.png?X-Amz-Signature=SIGAMZ` }],
        },
      },
      {
        idempotencyKey: key,
        metadata: { note: EVIL },
        webhook: { url: 'https://hooks.example.com/reelay?token=TOKX' },
      },
    ));
  });

  it('finds by id: the status record, redacted and escaped, with links to its jobs', async () => {
    const res = await f.app.inject({ method: 'GET', url: `/find?q=${id}`, headers: OK });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain(`<code id="generation-id">${id}</code>`);
    expect(res.body).toContain('class="state state-queued">queued</span>');
    expect(res.body).toContain(`href="/queue/submit/${id}.submit">open in board</a>`);
    expect(res.body).not.toContain(EVIL);
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
  });

  it('finds by idempotency key, as HTML and JSON', async () => {
    const page = await f.app.inject({
      method: 'GET',
      url: `/find?q=${encodeURIComponent(key)}`,
      headers: OK,
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Found by idempotency key.');
    expect(page.body).toContain(id);
    const json = await f.app.inject({
      method: 'GET',
      url: `/find.json?q=${encodeURIComponent(key)}`,
      headers: OK,
    });
    const body = json.json() as Extract<FindResult, { found: true }>;
    expect(body).toMatchObject({
      found: true,
      matchedBy: 'idempotency-key',
      generation: { id, state: 'queued' },
    });
    expect(body.jobs).toEqual([
      {
        stage: 'submit',
        jobId: `${id}.submit`,
        queue: 'submit',
        state: 'waiting',
        url: `/queue/submit/${id}.submit`,
      },
      { stage: 'sink', jobId: `${id}.sink`, queue: 'sink', state: 'unknown' },
    ]);
    expect(json.headers['cache-control']).toBe('no-store');
    for (const secret of SECRETS) expect(json.body).not.toContain(secret);
  });

  it('shows a failure with its stage and every webhook attempt', async () => {
    const redis = new Redis(REDIS_URL);
    const records = createRecordFixture(redis, f.prefix);
    await records.force(id, {
      state: 'failed',
      error: { stage: 'sink', code: 'REELAY_S3', message: `PUT ${SIGNED} refused`, resumable: true },
    });
    await records.deliveryAttempted(id, 'generation.failed', 'pending', {
      attempt: 1,
      at: Date.now(),
      status: 503,
      latencyMs: 7,
    });
    const res = await f.app.inject({ method: 'GET', url: `/find.json?q=${id}`, headers: OK });
    const g = (res.json() as Extract<FindResult, { found: true }>).generation;
    expect(g.state).toBe('failed');
    expect(g.error).toMatchObject({ stage: 'sink', code: 'REELAY_S3', resumable: true });
    expect(g.error?.message).toContain('X-Amz-Signature=[redacted]');
    expect(g.deliveries).toEqual([
      expect.objectContaining({
        event: 'generation.failed',
        state: 'pending',
        attempts: [expect.objectContaining({ status: 503 })],
      }),
    ]);
    expect(g.timeline.map((t) => t.state)).toEqual(['queued', 'failed']);
    const page = await f.app.inject({ method: 'GET', url: `/find?q=${id}`, headers: OK });
    expect(page.body).toContain('<dd id="error-stage">sink</dd>');
    for (const secret of SECRETS) expect(page.body).not.toContain(secret);
    redis.disconnect();
  });

  it('answers 404 for an unknown query and 400 for none (JSON), and escapes the query', async () => {
    const page = await f.app.inject({
      method: 'GET',
      url: `/find?q=${encodeURIComponent(EVIL)}`,
      headers: OK,
    });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('id="not-found"');
    expect(page.body).not.toContain(EVIL);
    const json = await f.app.inject({
      method: 'GET',
      url: '/find.json?q=gen_01jd5qk4zq8r2x7v9w3m6n1p0t',
      headers: OK,
    });
    expect(json.statusCode).toBe(404);
    expect(json.json()).toEqual({ found: false, query: 'gen_01jd5qk4zq8r2x7v9w3m6n1p0t' });
    const none = await f.app.inject({ method: 'GET', url: '/find.json', headers: OK });
    expect(none.statusCode).toBe(400);
  });

  it('serves everything under a base path, links included', async () => {
    const nested = f.dashboard({ kind: 'basic', user: USER, password: PASSWORD }, '/ops/');
    try {
      const board = await nested.inject({ method: 'GET', url: '/ops/', headers: OK });
      expect(board.statusCode).toBe(200);
      expect(board.body).toContain('<base href="/ops/"');
      expect(board.body).toContain('"url":"/ops/find"');
      const api = await nested.inject({ method: 'GET', url: '/ops/api/queues', headers: OK });
      expect(api.statusCode).toBe(200);
      const find = await nested.inject({ method: 'GET', url: `/ops/find?q=${id}`, headers: OK });
      expect(find.body).toContain(`href="/ops/queue/submit/${id}.submit"`);
      expect(find.body).toContain('<a href="/ops/">Queues board</a>');
      expect((await nested.inject({ method: 'GET', url: '/find', headers: OK })).statusCode).toBe(404);
      expect((await nested.inject({ method: 'GET', url: '/ops/find' })).statusCode).toBe(401);
    } finally {
      await nested.close();
    }
  });
});
