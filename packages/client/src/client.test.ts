import { describe, expect, it } from 'vitest';
import {
  createClient,
  eventIdOf,
  isBudgetExceededProblem,
  isReelayApiError,
  isReelayRequestError,
  ReelayApiError,
  ReelayRequestError,
  type StateEvent,
} from './index.ts';
import { readSse } from './sse.ts';

const TOKEN = 'tok_secret_5b0c1e0f9d2a4c7e';
const BASE = 'http://reelay.test/';
const request = {
  input: { prompt: 'a cat', media: [{ type: 'first_frame' as const, url: 'https://example.com/c.png' }] },
};

type Call = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
};
type Reply = Response | ((call: Call) => Response | Promise<Response>);

/** A fetch that records each call and answers from `replies` in order. */
function fakeFetch(...replies: Reply[]) {
  const calls: Call[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      signal: init!.signal!,
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    };
    calls.push(call);
    const reply = replies.shift();
    if (!reply) throw new Error(`unexpected call ${call.method} ${call.url}`);
    return typeof reply === 'function' ? reply(call) : reply;
  }) as typeof fetch;
  return { fn, calls };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  json(
    status,
    { type: `urn:reelay:problem:x`, title: 'T', status, detail: 'D', instance: '/p', code, ...extra },
    'application/problem+json',
  );

/** An SSE response from chunks; `open` keeps it open after them until the request is aborted. */
function sse(chunks: string[], opts: { open?: boolean } = {}) {
  return (call: Call) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        if (!opts.open) controller.close();
        call.signal.addEventListener('abort', () => controller.error(call.signal.reason));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}
const stateEvent = (state: string, at: number) =>
  `id: ${at}-${state}\nevent: state\ndata: ${JSON.stringify({ id: 'gen_x', state, at })}\n\n`;

async function collect(it: AsyncIterable<StateEvent>): Promise<string[]> {
  const states: string[] = [];
  for await (const e of it) states.push(e.state);
  return states;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('create, get, cancel', () => {
  it('create posts the request and options, with the idempotency key as a header and the token as Bearer', async () => {
    const f = fakeFetch(
      json(201, { id: 'gen_x', state: 'queued', created: true }),
      json(200, { id: 'gen_x', state: 'queued', created: false }),
    );
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    const options = { webhook: { url: 'https://hooks.example.com/r' }, metadata: { order: 42 }, priority: 3 };
    expect(await client.create(request, { ...options, idempotencyKey: 'order-42' })).toEqual({
      id: 'gen_x',
      state: 'queued',
      created: true,
    });
    expect(await client.create(request)).toMatchObject({ created: false });
    const [first, second] = f.calls;
    expect(first).toMatchObject({ url: 'http://reelay.test/v1/generations', method: 'POST' });
    expect(first!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'idempotency-key': 'order-42',
    });
    expect(JSON.parse(first!.body!)).toEqual({ request, ...options });
    expect(second!.headers['idempotency-key']).toBeUndefined();
    expect(JSON.parse(second!.body!)).toEqual({ request });
  });

  it('get returns the record, undefined for an unknown generation, and throws for other 404s', async () => {
    const f = fakeFetch(
      json(200, { id: 'gen_x', state: 'running' }),
      problem(404, 'REELAY_GENERATION_NOT_FOUND'),
      problem(404, 'REELAY_API_NOT_FOUND'),
    );
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    expect(await client.get('gen_x')).toMatchObject({ state: 'running' });
    expect(await client.get('gen_y')).toBeUndefined();
    const err = await rejection(client.get('gen_z'));
    expect(isReelayApiError(err) && err.code).toBe('REELAY_API_NOT_FOUND');
    expect(f.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET http://reelay.test/v1/generations/gen_x',
      'GET http://reelay.test/v1/generations/gen_y',
      'GET http://reelay.test/v1/generations/gen_z',
    ]);
  });

  it('cancel: canceled, already finished (with its state), or unknown', async () => {
    const f = fakeFetch(
      json(200, { id: 'gen_x', state: 'canceled', canceled: true }),
      problem(409, 'REELAY_GENERATION_FINISHED', { id: 'gen_x', state: 'succeeded' }),
      problem(404, 'REELAY_GENERATION_NOT_FOUND'),
    );
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    expect(await client.cancel('gen_x')).toEqual({ id: 'gen_x', state: 'canceled', canceled: true });
    expect(await client.cancel('gen_x')).toEqual({ id: 'gen_x', state: 'succeeded', canceled: false });
    expect(await client.cancel('gen_y')).toBeUndefined();
    expect(f.calls.every((c) => c.method === 'DELETE')).toBe(true);
  });
});

describe('tenants', () => {
  const tenant = {
    name: 'acme corp',
    weight: 2,
    maxInFlight: null,
    budget: { limitUsd: 5, period: 'day' },
    paused: false,
    usage: { queued: 0, inFlight: 0, reservedUsd: 0, spentUsd: 0, periodStart: 0 },
  };

  it('getTenant reads and setTenant puts the settings as JSON, the name escaped', async () => {
    const f = fakeFetch(json(200, tenant), json(200, { ...tenant, weight: 3 }));
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    expect(await client.getTenant('acme corp')).toEqual(tenant);
    expect(await client.setTenant('acme corp', { weight: 3, maxInFlight: null })).toMatchObject({
      weight: 3,
    });
    const [get, put] = f.calls;
    expect(get).toMatchObject({ method: 'GET', url: 'http://reelay.test/v1/tenants/acme%20corp' });
    expect(put).toMatchObject({ method: 'PUT', url: 'http://reelay.test/v1/tenants/acme%20corp' });
    expect(put!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    });
    expect(JSON.parse(put!.body!)).toEqual({ weight: 3, maxInFlight: null });
  });

  it('a 404 or 403 on a tenant is a ReelayApiError', async () => {
    const f = fakeFetch(problem(404, 'REELAY_TENANT_NOT_FOUND'), problem(403, 'REELAY_API_FORBIDDEN'));
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    expect(await rejection(client.getTenant('other'))).toMatchObject({ status: 404 });
    expect(await rejection(client.setTenant('acme', { paused: true }))).toMatchObject({ status: 403 });
  });

  it('create sends a tenant in the body; a budget refusal carries its fields in problem', async () => {
    const refusal = { tenant: 'acme', limitUsd: 1, spentUsd: 0.9, reservedUsd: 0, requestedUsd: 0.5 };
    const f = fakeFetch(problem(402, 'REELAY_BUDGET_EXCEEDED', refusal));
    const err = await rejection(
      createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn }).create(request, { tenant: 'acme' }),
    );
    expect(JSON.parse(f.calls[0]!.body!)).toEqual({ request, tenant: 'acme' });
    expect(isReelayApiError(err)).toBe(true);
    if (!isReelayApiError(err)) return;
    expect(err).toMatchObject({ status: 402, code: 'REELAY_BUDGET_EXCEEDED' });
    expect(isBudgetExceededProblem(err.problem)).toBe(true);
    if (isBudgetExceededProblem(err.problem)) expect(err.problem.requestedUsd).toBe(0.5);
    expect(err.problem).toMatchObject(refusal);
    expect(isBudgetExceededProblem({ ...err.problem, limitUsd: '1' })).toBe(false);
    expect(isBudgetExceededProblem({ ...err.problem, code: 'REELAY_INVALID_REQUEST' })).toBe(false);
  });
});

describe('errors', () => {
  it('a problem becomes a ReelayApiError with its fields and field paths', async () => {
    const issues = [{ path: 'request.input.media[0].type', rule: 'invalid_value', message: 'bad' }];
    const f = fakeFetch(problem(422, 'REELAY_INVALID_REQUEST', { errors: issues }));
    const err = await rejection(createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn }).create(request));
    expect(err).toBeInstanceOf(ReelayApiError);
    expect(isReelayApiError(err)).toBe(true);
    expect(isReelayRequestError(err)).toBe(false);
    expect(err).toMatchObject({
      name: 'ReelayApiError',
      type: 'urn:reelay:problem:x',
      title: 'T',
      status: 422,
      detail: 'D',
      instance: '/p',
      code: 'REELAY_INVALID_REQUEST',
      errors: issues,
    });
  });

  it('an error response that is not a problem still becomes a ReelayApiError', async () => {
    const f = fakeFetch(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const err = await rejection(createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn }).get('gen_x'));
    expect(err).toMatchObject({
      status: 502,
      type: 'about:blank',
      code: 'REELAY_CLIENT_UNEXPECTED_RESPONSE',
    });
  });

  it('a network error names the method and URL, never the token', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const f = fakeFetch(() => {
      throw new TypeError('fetch failed', { cause: refused });
    });
    const err = await rejection(
      createClient({ baseUrl: 'http://user:pw@reelay.test', token: TOKEN, fetch: f.fn }).get('gen_x'),
    );
    expect(isReelayRequestError(err)).toBe(true);
    const e = err as ReelayRequestError;
    expect(e.message).toBe('GET http://reelay.test/v1/generations/gen_x failed: fetch failed (ECONNREFUSED)');
    expect(e.timedOut).toBe(false);
    expect(e.cause).toBeInstanceOf(TypeError);
    expect(`${e.message}${e.stack}`).not.toContain(TOKEN);
    expect(e.message).not.toContain('pw');
  });

  it('a request with no answer within timeoutMs fails as timed out', async () => {
    const f = fakeFetch(
      (call) =>
        new Promise<Response>((_, reject) =>
          call.signal.addEventListener('abort', () => reject(call.signal.reason)),
        ),
    );
    const err = await rejection(
      createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn, timeoutMs: 30 }).cancel('gen_x'),
    );
    expect(err).toBeInstanceOf(ReelayRequestError);
    expect(err).toMatchObject({
      timedOut: true,
      message: 'DELETE http://reelay.test/v1/generations/gen_x timed out after 30 ms',
    });
  });
});

describe('events', () => {
  const fast = { attempts: 2, delayMs: 1 };

  it('yields each state event and ends after the terminal one', async () => {
    const f = fakeFetch(
      sse(
        [stateEvent('queued', 1), ': heartbeat\n\n', stateEvent('running', 2), stateEvent('succeeded', 3)],
        { open: true },
      ),
    );
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    const events: StateEvent[] = [];
    for await (const e of client.events('gen_x')) events.push(e);
    expect(events).toEqual([
      { id: 'gen_x', state: 'queued', at: 1 },
      { id: 'gen_x', state: 'running', at: 2 },
      { id: 'gen_x', state: 'succeeded', at: 3 },
    ]);
    expect(f.calls[0]).toMatchObject({ url: 'http://reelay.test/v1/generations/gen_x/events' });
    expect(f.calls[0]!.headers).toMatchObject({
      accept: 'text/event-stream',
      authorization: `Bearer ${TOKEN}`,
    });
    expect(f.calls[0]!.headers['last-event-id']).toBeUndefined();
    // The stream stayed open after the terminal event: the client closed it.
    expect(f.calls[0]!.signal.aborted).toBe(true);
  });

  it('reconnects after a drop with Last-Event-ID of the last event seen', async () => {
    const f = fakeFetch(
      sse([stateEvent('queued', 1), stateEvent('submitting', 2)]),
      problem(503, 'REELAY_API_UNAVAILABLE'),
      sse([stateEvent('running', 5), stateEvent('failed', 7)]),
    );
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn, reconnect: fast });
    expect(await collect(client.events('gen_x'))).toEqual(['queued', 'submitting', 'running', 'failed']);
    expect(f.calls.map((c) => c.headers['last-event-id'])).toEqual([
      undefined,
      '2-submitting',
      '2-submitting',
    ]);
  });

  it('treats a silent connection (no heartbeat within idleTimeoutMs) as dropped', async () => {
    const f = fakeFetch(sse([stateEvent('queued', 1)], { open: true }), sse([stateEvent('canceled', 4)]));
    const client = createClient({
      baseUrl: BASE,
      token: TOKEN,
      fetch: f.fn,
      reconnect: { ...fast, idleTimeoutMs: 40 },
    });
    expect(await collect(client.events('gen_x'))).toEqual(['queued', 'canceled']);
    expect(f.calls[1]!.headers['last-event-id']).toBe('1-queued');
  });

  it('gives up after the configured attempts, naming the URL', async () => {
    const f = fakeFetch(sse([stateEvent('queued', 1)]), sse([]), sse([]));
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn, reconnect: fast });
    const states: string[] = [];
    const err = await rejection(
      (async () => {
        for await (const e of client.events('gen_x')) states.push(e.state);
      })(),
    );
    expect(states).toEqual(['queued']);
    expect(isReelayRequestError(err)).toBe(true);
    expect((err as Error).message).toBe(
      'GET http://reelay.test/v1/generations/gen_x/events ended before a terminal state 3 times in a row',
    );
    expect(f.calls).toHaveLength(3);
  });

  it('does not retry a 404 or a 401', async () => {
    for (const [status, code] of [
      [404, 'REELAY_GENERATION_NOT_FOUND'],
      [401, 'REELAY_API_UNAUTHORIZED'],
    ] as const) {
      const f = fakeFetch(problem(status, code));
      const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn, reconnect: fast });
      const err = await rejection(collect(client.events('gen_x')));
      expect(isReelayApiError(err) && err.code).toBe(code);
      expect(f.calls).toHaveLength(1);
    }
  });

  it('resumes from a given lastEventId, and does not connect when that event was terminal', async () => {
    const f = fakeFetch(sse([stateEvent('succeeded', 9)]));
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    expect(await collect(client.events('gen_x', { lastEventId: '3-running' }))).toEqual(['succeeded']);
    expect(f.calls[0]!.headers['last-event-id']).toBe('3-running');
    expect(
      await collect(client.events('gen_x', { lastEventId: eventIdOf({ state: 'succeeded', at: 9 }) })),
    ).toEqual([]);
    expect(f.calls).toHaveLength(1);
  });

  it('ends with the abort reason when the signal aborts, and closes the connection', async () => {
    const f = fakeFetch(sse([stateEvent('queued', 1)], { open: true }));
    const abort = new AbortController();
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    const states: string[] = [];
    const err = await rejection(
      (async () => {
        for await (const e of client.events('gen_x', { signal: abort.signal })) {
          states.push(e.state);
          abort.abort(new Error('stop'));
        }
      })(),
    );
    expect(states).toEqual(['queued']);
    expect((err as Error).message).toBe('stop');
    expect(f.calls[0]!.signal.aborted).toBe(true);
  });
});

describe('batches', () => {
  const fast = { attempts: 2, delayMs: 1 };
  const BATCH = 'bat_01arz3ndektsv4rrffq69g5fav';
  const counts = (done: number) => ({
    total: 2,
    queued: 2 - done,
    submitting: 0,
    running: 0,
    copying: 0,
    succeeded: done,
    failed: 0,
    canceled: 0,
  });
  const batch = (state: string, done: number) => ({
    id: BATCH,
    tenant: 'default',
    state,
    counts: counts(done),
    created: 1,
    costUsd: { estimated: 1, actual: 0 },
    round: 0,
  });
  const batchEvent = (state: string, done: number) =>
    `event: batch\ndata: ${JSON.stringify(batch(state, done))}\n\n`;

  it('createBatch posts the items and options, the idempotency key as a header', async () => {
    const result = {
      id: BATCH,
      created: true,
      generations: [{ id: 'gen_x', state: 'queued', created: true }],
    };
    const f = fakeFetch(json(201, result));
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    const items = [{ request, metadata: { sku: 1 }, priority: 3 }];
    expect(
      await client.createBatch(items, { idempotencyKey: 'k-1', metadata: { run: 'a' }, tenant: 'acme' }),
    ).toEqual(result);
    expect(f.calls[0]).toMatchObject({ url: 'http://reelay.test/v1/batches', method: 'POST' });
    expect(f.calls[0]!.headers).toMatchObject({
      'idempotency-key': 'k-1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(f.calls[0]!.body!)).toEqual({ items, metadata: { run: 'a' }, tenant: 'acme' });
  });

  it('getBatch, cancelBatch and listBatchGenerations: the body, undefined for batch-not-found, else a ReelayApiError', async () => {
    const page = { items: [{ id: 'gen_x', state: 'queued' }], cursor: '1' };
    const f = fakeFetch(
      json(200, batch('in_progress', 0)),
      problem(404, 'REELAY_BATCH_NOT_FOUND'),
      json(200, batch('canceled', 0)),
      problem(404, 'REELAY_BATCH_NOT_FOUND'),
      json(200, page),
      problem(422, 'REELAY_INVALID_REQUEST', {
        errors: [{ path: 'query.limit', rule: 'range', message: 'm' }],
      }),
      problem(404, 'REELAY_API_NOT_FOUND'),
    );
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn });
    expect(await client.getBatch(BATCH)).toMatchObject({ id: BATCH, state: 'in_progress' });
    expect(await client.getBatch('bat/../x')).toBeUndefined();
    expect(await client.cancelBatch(BATCH)).toMatchObject({ state: 'canceled' });
    expect(await client.cancelBatch(BATCH)).toBeUndefined();
    expect(await client.listBatchGenerations(BATCH, { cursor: '100', limit: 50 })).toEqual(page);
    const bad = await rejection(client.listBatchGenerations(BATCH, { limit: 0 }));
    expect(isReelayApiError(bad) && bad.errors?.[0]?.path).toBe('query.limit');
    expect(isReelayApiError(await rejection(client.getBatch(BATCH)))).toBe(true);
    expect(f.calls.map((c) => `${c.method} ${c.url.slice(BASE.length - 1)}`)).toEqual([
      `GET /v1/batches/${BATCH}`,
      'GET /v1/batches/bat%2F..%2Fx',
      `DELETE /v1/batches/${BATCH}`,
      `DELETE /v1/batches/${BATCH}`,
      `GET /v1/batches/${BATCH}/generations?cursor=100&limit=50`,
      `GET /v1/batches/${BATCH}/generations?limit=0`,
      `GET /v1/batches/${BATCH}`,
    ]);
  });

  it('batchEvents yields each batch event, reconnects after a drop, and ends after the final one', async () => {
    const f = fakeFetch(
      sse([batchEvent('in_progress', 0), ': heartbeat\n\n']),
      problem(503, 'REELAY_API_UNAVAILABLE'),
      sse([batchEvent('in_progress', 1), batchEvent('completed', 2)], { open: true }),
    );
    const client = createClient({ baseUrl: BASE, token: TOKEN, fetch: f.fn, reconnect: fast });
    const seen: string[] = [];
    for await (const b of client.batchEvents(BATCH)) seen.push(`${b.state}:${b.counts.succeeded}`);
    expect(seen).toEqual(['in_progress:0', 'in_progress:1', 'completed:2']);
    expect(f.calls.map((c) => c.url)).toEqual(Array(3).fill(`http://reelay.test/v1/batches/${BATCH}/events`));
    expect(f.calls[0]!.headers).toMatchObject({
      accept: 'text/event-stream',
      authorization: `Bearer ${TOKEN}`,
    });
    // The last stream stayed open after the final event: the client closed it.
    expect(f.calls[2]!.signal.aborted).toBe(true);
  });

  it('batchEvents does not retry a 404, and gives up after the configured attempts', async () => {
    const notFound = fakeFetch(problem(404, 'REELAY_BATCH_NOT_FOUND'));
    const a = createClient({ baseUrl: BASE, token: TOKEN, fetch: notFound.fn, reconnect: fast });
    const err = await rejection(a.batchEvents(BATCH).next());
    expect(isReelayApiError(err) && err.code).toBe('REELAY_BATCH_NOT_FOUND');
    const dropping = fakeFetch(sse([batchEvent('in_progress', 0)]), sse([]), sse([]));
    const b = createClient({ baseUrl: BASE, token: TOKEN, fetch: dropping.fn, reconnect: fast });
    const states: string[] = [];
    const gaveUp = await rejection(
      (async () => {
        for await (const e of b.batchEvents(BATCH)) states.push(e.state);
      })(),
    );
    expect(states).toEqual(['in_progress']);
    expect(isReelayRequestError(gaveUp)).toBe(true);
    expect(String((gaveUp as Error).message)).toContain(`/v1/batches/${BATCH}/events`);
    expect(dropping.calls).toHaveLength(3);
  });
});

describe('readSse', () => {
  it('reads fields across chunk boundaries, LF, CRLF and CR line ends, multi-line data, and skips comments', async () => {
    const text = ': hi\r\nid: 1\r\nevent: a\r\ndata: x\r\ndata: y\r\n\r\nevent: b\rdata:z\r\rdata: w\n\n';
    const chunks = [...text].map((c) => new TextEncoder().encode(c));
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        c.close();
      },
    });
    const events = [];
    for await (const e of readSse(body)) events.push(e);
    expect(events).toEqual([
      { event: 'a', data: 'x\ny', id: '1' },
      { event: 'b', data: 'z', id: '1' },
      { event: 'message', data: 'w', id: '1' },
    ]);
  });
});
