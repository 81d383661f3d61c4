/**
 * Batches over HTTP, against real Redis through the real server: create (201, 200 replay, 409,
 * 422 naming items, 402, 403, 413), read, cancel, pages of members, tenant isolation, and the
 * events stream of counts over a real socket (members driven by the lifecycle's move script).
 */
import type { Batch, BatchCreateResult, BatchGenerationsPage } from '@reelay/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BatchCreateResultSchema,
  BatchGenerationsPageSchema,
  BatchSchema,
  ProblemSchema,
} from './response-schemas.ts';
import { openSse, type SseStream } from './sse-client.ts';
import {
  ACME_AUTH,
  AUTH,
  createFixture,
  type Fixture,
  OPERATOR_AUTH,
  validRequest,
  waitFor,
} from './test-fixtures.ts';

let fx: Fixture;
const streams: SseStream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) await s.close();
  await fx.close();
});

type Headers = Record<string, string>;
const items = (n: number, tag = 'item') =>
  Array.from({ length: n }, (_, i) => ({
    request: validRequest(`${tag} ${i}`),
    metadata: { sku: `${tag}-${i}` },
  }));

const post = (headers: Headers, body: unknown, extra: Headers = {}) =>
  fx.app.inject({
    method: 'POST',
    url: '/v1/batches',
    headers: { ...headers, 'content-type': 'application/json', ...extra },
    payload: JSON.stringify(body),
  });
const get = (headers: Headers, url: string) => fx.app.inject({ url, headers });
const del = (headers: Headers, url: string) => fx.app.inject({ method: 'DELETE', url, headers });

function expectProblem(res: LightMyRequestResponse, status: number, kind: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = ProblemSchema.parse(res.json()) as Record<string, unknown>;
  expect(body.type).toBe(`urn:reelay:problem:${kind}`);
  return body;
}

async function created(headers: Headers, body: unknown, extra: Headers = {}): Promise<BatchCreateResult> {
  const res = await post(headers, body, extra);
  expect(res.statusCode, res.body).toBe(201);
  return BatchCreateResultSchema.parse(res.json()) as BatchCreateResult;
}

const batchKeys = async () =>
  (await fx.redis.keys(`${fx.prefix}:*`)).filter((k) => k.includes('batch')).length;

describe('POST /v1/batches', () => {
  it('creates the batch and its members (201, Location), and the Idempotency-Key replays it (200)', async () => {
    fx = createFixture();
    const body = { items: items(3), metadata: { run: 'nightly' } };
    const res = await post(AUTH, body, { 'idempotency-key': 'catalogue-1' });
    expect(res.statusCode, res.body).toBe(201);
    const first = BatchCreateResultSchema.parse(res.json());
    expect(res.headers.location).toBe(`/v1/batches/${first.id}`);
    expect(first).toMatchObject({ created: true });
    expect(first.generations).toHaveLength(3);
    expect(first.generations.every((g) => g.created && g.state === 'queued')).toBe(true);
    // Per-item options reach the members; the batch's metadata the batch.
    const member = await fx.producer.getStatus(first.generations[1]!.id);
    expect(member).toMatchObject({ batchId: first.id, metadata: { sku: 'item-1' }, tenant: 'default' });
    expect(await fx.producer.getBatch(first.id)).toMatchObject({
      metadata: { run: 'nightly' },
      idempotencyKey: 'catalogue-1',
      counts: { total: 3, queued: 3 },
    });

    const again = await post(AUTH, body, { 'idempotency-key': 'catalogue-1' });
    expect(again.statusCode, again.body).toBe(200);
    expect(BatchCreateResultSchema.parse(again.json())).toEqual({
      id: first.id,
      created: false,
      generations: first.generations.map((g) => ({ ...g, created: false })),
    });
    expect(again.headers.location).toBe(res.headers.location);
    expect(await fx.records()).toBe(3);
  });

  it('refuses the same Idempotency-Key with other items with 409, creating nothing', async () => {
    fx = createFixture();
    const first = await created(AUTH, { items: items(2) }, { 'idempotency-key': 'k-409' });
    const p = expectProblem(
      await post(AUTH, { items: items(3) }, { 'idempotency-key': 'k-409' }),
      409,
      'idempotency-conflict',
    );
    expect(p).toMatchObject({ code: 'REELAY_IDEMPOTENCY_CONFLICT', existingId: first.id });
    expect(await fx.records()).toBe(2);
  });

  it('answers 422 naming every bad item and field by path, and creates nothing', async () => {
    fx = createFixture();
    const res = await post(
      AUTH,
      {
        items: [
          ...items(2),
          { request: { input: { media: [] } } },
          { request: validRequest(), webhook: { url: 'ftp://x' }, tenant: 'acme' },
          'not an item',
          { request: validRequest(), priority: 0, colour: 'red' },
        ],
        webhook: { url: 'http://127.0.0.1/hook' },
        extra: 1,
      },
      { 'idempotency-key': 'has space' },
    );
    const p = expectProblem(res, 422, 'invalid-request');
    const paths = (p.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'extra',
        'items[2].request.input.media',
        'items[3].webhook.url',
        'items[3].tenant',
        'items[4]',
        'items[5].priority',
        'items[5].colour',
        'headers.idempotency-key',
      ]),
    );
    // Nothing about item 4 beyond that it is not an object.
    expect(paths.filter((x) => x.startsWith('items[4]'))).toEqual(['items[4]']);
    expect(await fx.records()).toBe(0);
    expect(await batchKeys()).toBe(0);

    // A well-shaped body the producer refuses: the same paths, from createBatch itself.
    const bad = expectProblem(
      await post(AUTH, {
        items: [...items(1), { request: { input: { media: [] } }, webhook: { url: 'x' } }],
        webhook: { url: 'https://127.0.0.1/hook' },
      }),
      422,
      'invalid-request',
    );
    expect((bad.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual([
      'items[1].request.input.media',
      'items[1].webhook.url',
      'webhook.url',
    ]);
    for (const body of [{}, { items: [] }, { items: 'x' }, [1]]) {
      const r = expectProblem(await post(AUTH, body), 422, 'invalid-request');
      expect((r.errors as Array<{ path: string }>)[0]!.path).toMatch(/^(items)?$/);
    }
    expect(await fx.records()).toBe(0);
    expect(await batchKeys()).toBe(0);
  });

  it('answers 402 when the tenant budget cannot take every item, creating nothing', async () => {
    fx = createFixture();
    await fx.producer.setTenant('acme', { budget: { limitUsd: 1, period: 'total' } });
    const p = expectProblem(await post(ACME_AUTH, { items: items(3) }), 402, 'budget-exceeded');
    expect(p).toMatchObject({
      code: 'REELAY_BUDGET_EXCEEDED',
      tenant: 'acme',
      limitUsd: 1,
      requestedUsd: 1.5,
    });
    expect(await fx.records()).toBe(0);
    expect(await batchKeys()).toBe(0);
  });

  it('only an operator token names the tenant; a tenant token naming another is a 403', async () => {
    fx = createFixture();
    const own = await created(ACME_AUTH, { items: items(1) });
    expect((await fx.producer.getBatch(own.id))?.tenant).toBe('acme');
    expectProblem(await post(ACME_AUTH, { items: items(1), tenant: 'globex' }), 403, 'forbidden');
    const op = await created(OPERATOR_AUTH, { items: items(1), tenant: 'globex' });
    expect((await fx.producer.getBatch(op.id))?.tenant).toBe('globex');
    expect((await fx.producer.getStatus(op.generations[0]!.id))?.tenant).toBe('globex');
    expect(await fx.records()).toBe(2);
  });

  it('takes a 10,000-item body over the 1 MiB default limit (its own route limit), refuses one over that', async () => {
    fx = createFixture({ batchBodyLimitBytes: 4 * 1024 * 1024 });
    const body = { items: items(10_000) };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(1024 * 1024);
    const res = await post(AUTH, body);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
    expect((res.json() as BatchCreateResult).generations).toHaveLength(10_000);
    const tooMany = expectProblem(await post(AUTH, { items: items(10_001) }), 422, 'invalid-request');
    expect(tooMany.errors).toEqual([expect.objectContaining({ path: 'items', rule: 'too_big' })]);
    const huge = { items: items(1), metadata: { pad: 'x'.repeat(5 * 1024 * 1024) } };
    const p = expectProblem(await post(AUTH, huge), 413, 'body-too-large');
    expect(p.limitBytes).toBe(4 * 1024 * 1024);
    // Other routes keep the server's own limit.
    const gen = await fx.app.inject({
      method: 'POST',
      url: '/v1/generations',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify({ request: validRequest(), metadata: { pad: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(expectProblem(gen, 413, 'body-too-large').limitBytes).toBe(1024 * 1024);
  }, 60_000);
});

describe('GET, DELETE /v1/batches/:id and its generations', () => {
  it('reads the batch; another tenant’s token gets 404 batch-not-found on every route', async () => {
    fx = createFixture();
    const { id } = await created(ACME_AUTH, { items: items(2) });
    const res = await get(ACME_AUTH, `/v1/batches/${id}`);
    expect(res.statusCode).toBe(200);
    const batch = BatchSchema.parse(res.json());
    expect(batch).toMatchObject({
      id,
      tenant: 'acme',
      state: 'in_progress',
      counts: { total: 2, queued: 2 },
    });
    expect(res.json()).toEqual(await fx.producer.getBatch(id));
    expect((await get(OPERATOR_AUTH, `/v1/batches/${id}`)).statusCode).toBe(200);

    for (const r of [
      await get(AUTH, `/v1/batches/${id}`),
      await get(AUTH, `/v1/batches/${id}/generations`),
      await get(AUTH, `/v1/batches/${id}/events`),
      await del(AUTH, `/v1/batches/${id}`),
      await get(ACME_AUTH, '/v1/batches/bat_00000000000000000000000000'),
      await get(ACME_AUTH, '/v1/batches/not-a-batch'),
      await del(OPERATOR_AUTH, '/v1/batches/bat_00000000000000000000000000'),
    ]) {
      const p = expectProblem(r, 404, 'batch-not-found');
      expect(p.code).toBe('REELAY_BATCH_NOT_FOUND');
    }
    // The refused DELETE canceled nothing.
    expect((await fx.producer.getBatch(id))?.counts).toMatchObject({ queued: 2, canceled: 0 });
  });

  it('DELETE cancels every member and answers the batch after the cancel; again changes nothing', async () => {
    fx = createFixture();
    const { id, generations } = await created(ACME_AUTH, { items: items(3) });
    expect((await fx.recordFixture.force(generations[0]!.id, { state: 'succeeded' })).ok).toBe(true);
    const res = await del(ACME_AUTH, `/v1/batches/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const batch = BatchSchema.parse(res.json());
    expect(batch).toMatchObject({
      id,
      state: 'canceled',
      counts: { total: 3, succeeded: 1, canceled: 2, queued: 0 },
    });
    const again = await del(OPERATOR_AUTH, `/v1/batches/${id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ state: 'canceled', counts: { canceled: 2 } });
    expect((await fx.producer.getStatus(generations[1]!.id))?.state).toBe('canceled');
  });

  it('pages the members in item order with a cursor; a bad cursor or limit is a 422 naming it', async () => {
    fx = createFixture();
    const { id, generations } = await created(AUTH, { items: items(7) });
    const seen: BatchGenerationsPage['items'] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await get(
        AUTH,
        `/v1/batches/${id}/generations?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      const page = BatchGenerationsPageSchema.parse(res.json());
      seen.push(...page.items);
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(generations.map((g) => ({ id: g.id, state: 'queued' })));
    // No limit: the default page holds all seven.
    expect((await get(AUTH, `/v1/batches/${id}/generations`)).json()).toEqual({ items: seen });

    for (const [query, path] of [
      ['limit=0', 'query.limit'],
      ['limit=1001', 'query.limit'],
      ['limit=ten', 'query.limit'],
      ['limit=1&limit=2', 'query.limit'],
      ['cursor=abc', 'query.cursor'],
      ['cursor=-1', 'query.cursor'],
    ] as const) {
      const p = expectProblem(
        await get(AUTH, `/v1/batches/${id}/generations?${query}`),
        422,
        'invalid-request',
      );
      expect(
        (p.errors as Array<{ path: string }>).map((e) => e.path),
        query,
      ).toEqual([path]);
    }
  });
});

describe('GET /v1/batches/:id/events over a real socket', () => {
  async function listen(f: Fixture): Promise<string> {
    return f.app.listen({ host: '127.0.0.1', port: 0 });
  }
  async function follow(base: string, id: string, auth: Headers = AUTH): Promise<SseStream> {
    const s = await openSse(`${base}/v1/batches/${id}/events`, auth);
    streams.push(s);
    return s;
  }

  it('opens with the batch, sends coalesced counts as members move, and closes after the final event', async () => {
    fx = createFixture({ batchEventsIntervalMs: 50, heartbeatMs: 60_000 });
    const base = await listen(fx);
    const { id, generations } = await created(AUTH, { items: items(4) });
    const s = await follow(base, id);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const opened = await s.nextEvent();
    expect(opened?.event).toBe('batch');
    expect(BatchSchema.parse(opened?.data)).toMatchObject({
      id,
      state: 'in_progress',
      counts: { queued: 4 },
    });

    // Every member through to the end, many changes in a burst: fewer events than changes.
    for (const g of generations)
      for (const state of ['submitting', 'running', 'copying', 'succeeded'] as const)
        expect((await fx.recordFixture.force(g.id, { state })).ok).toBe(true);
    const events: Batch[] = [];
    for (let e = await s.nextEvent(); e; e = await s.nextEvent()) {
      expect(e.event).toBe('batch');
      events.push(BatchSchema.parse(e.data) as Batch);
    }
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(16);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ id, state: 'completed', counts: { total: 4, succeeded: 4, queued: 0 } });
    // Counts only move forward through the run: succeeded never goes down.
    const succeeded = events.map((e) => e.counts.succeeded);
    expect([...succeeded].sort((a, b) => a - b)).toEqual(succeeded);
  });

  it('a canceled batch ends its stream with state canceled; an ended batch sends one event and closes', async () => {
    fx = createFixture({ batchEventsIntervalMs: 20 });
    const base = await listen(fx);
    const { id } = await created(ACME_AUTH, { items: items(3) });
    const s = await follow(base, id, ACME_AUTH);
    expect((await s.nextEvent())?.data).toMatchObject({ state: 'in_progress' });
    expect((await del(ACME_AUTH, `/v1/batches/${id}`)).statusCode).toBe(200);
    const events: Batch[] = [];
    for (let e = await s.nextEvent(); e; e = await s.nextEvent()) events.push(e.data as Batch);
    expect(events.at(-1)).toMatchObject({ state: 'canceled', counts: { canceled: 3 } });

    const after = await follow(base, id, OPERATOR_AUTH);
    expect((await after.nextEvent())?.data).toMatchObject({ id, state: 'canceled' });
    expect(await after.next()).toBeUndefined();
  });

  it('an idle stream makes no Redis call: only heartbeats, and no read of the batch', async () => {
    fx = createFixture({ heartbeatMs: 20 });
    const base = await listen(fx);
    const { id } = await created(AUTH, { items: items(1) });
    let reads = 0;
    const getBatch = fx.producer.getBatch.bind(fx.producer);
    fx.producer.getBatch = (batchId: string) => {
      reads++;
      return getBatch(batchId);
    };
    const s = await follow(base, id);
    await s.nextEvent();
    expect(reads).toBe(1);
    let heartbeats = 0;
    while (heartbeats < 3) {
      const m = await s.next();
      expect(m?.kind).toBe('comment');
      heartbeats++;
    }
    expect(reads).toBe(1);
    // A change of another batch's member is not this stream's: still no read.
    const other = await created(AUTH, { items: items(1, 'other') });
    expect((await fx.recordFixture.force(other.generations[0]!.id, { state: 'submitting' })).ok).toBe(true);
    // Longer than the coalescing interval (200 ms): a read it had scheduled would have happened.
    const until = Date.now() + 400;
    while (Date.now() < until) expect((await s.next())?.kind).toBe('comment');
    expect(reads).toBe(1);
  });

  it('shares the stream caps with generation streams', async () => {
    fx = createFixture({ maxStreamsPerToken: 1 });
    const base = await listen(fx);
    const { id } = await created(AUTH, { items: items(1) });
    const s = await follow(base, id);
    await s.nextEvent();
    const refused = await fetch(`${base}/v1/batches/${id}/events`, { headers: AUTH });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { code: string }).code).toBe('REELAY_API_TOO_MANY_STREAMS');
    await s.close();
    streams.length = 0;
    await waitFor(async () => {
      const again = await fetch(`${base}/v1/batches/${id}/events`, { headers: AUTH });
      const ok = again.status === 200;
      await again.body?.cancel();
      return ok;
    });
  });
});
