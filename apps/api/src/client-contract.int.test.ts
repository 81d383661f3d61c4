/**
 * @reelay/client against a real API server (real Redis, a fresh key prefix): each response it
 * hands back validates against the schema the OpenAPI document names for that route, and
 * events() resumes a dropped stream with Last-Event-ID without a replay or a gap.
 */
import {
  createClient,
  isBudgetExceededProblem,
  isReelayApiError,
  type ReelayClient,
  type StateEvent,
} from '@reelay/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildOpenApiDocument } from './openapi.ts';
import {
  BatchCreateResultSchema,
  BatchGenerationsPageSchema,
  BatchSchema,
  CancelResult,
  CreateGenerationResult,
  GenerationStatusSchema,
  ProblemSchema,
  StateEventSchema,
  TenantSchema,
} from './response-schemas.ts';
import {
  ACME_TOKEN,
  createFixture,
  type Fixture,
  OPERATOR_TOKEN,
  TOKENS,
  validRequest,
} from './test-fixtures.ts';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, Record<string, unknown>> }>> };
const doc = buildOpenApiDocument() as Doc;

/** The component the document names for a response, and the zod schema it was generated from. */
function documented(path: string, method: string, status: string, schema: z.ZodType): z.ZodType {
  type StreamSchema = {
    $defs?: { event?: { properties?: { data?: { contentSchema?: { $ref: string } } } } };
  };
  const response = doc.paths[path]?.[method]?.responses[status] as
    | { content: Record<string, { schema?: { $ref?: string } & StreamSchema }> }
    | undefined;
  const schemaOf = Object.values(response?.content ?? {})[0]?.schema;
  // A JSON body names its component; the event stream names its events' data (`$defs.event`).
  const ref = schemaOf?.$ref ?? schemaOf?.$defs?.event?.properties?.data?.contentSchema?.$ref;
  const ids = new Map<z.ZodType, string>([
    [CreateGenerationResult, 'CreateGenerationResult'],
    [GenerationStatusSchema, 'GenerationStatus'],
    [CancelResult, 'CancelResult'],
    [StateEventSchema, 'StateEvent'],
    [ProblemSchema, 'Problem'],
    [TenantSchema, 'Tenant'],
    [BatchSchema, 'Batch'],
    [BatchCreateResultSchema, 'BatchCreateResult'],
    [BatchGenerationsPageSchema, 'BatchGenerationsPage'],
  ]);
  expect(ref, `${method} ${path} ${status}`).toBe(`#/components/schemas/${ids.get(schema)}`);
  return schema;
}

let fx: Fixture;
let base: string;

async function start(fetchFn?: typeof fetch, token: string = TOKENS[0]): Promise<ReelayClient> {
  fx = createFixture();
  base = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  return createClient({
    baseUrl: base,
    token,
    ...(fetchFn ? { fetch: fetchFn } : {}),
    reconnect: { delayMs: 10 },
  });
}

afterEach(async () => {
  await fx.close();
});

describe('@reelay/client against the API', () => {
  it('create, get, cancel and events answer what the document says, in order', async () => {
    const client = await start();
    const created = await client.create(validRequest(), {
      idempotencyKey: `k-${fx.prefix}`,
      metadata: { n: 1 },
    });
    documented('/v1/generations', 'post', '201', CreateGenerationResult).parse(created);
    expect(created).toMatchObject({ state: 'queued', created: true });
    const again = await client.create(validRequest(), {
      idempotencyKey: `k-${fx.prefix}`,
      metadata: { n: 1 },
    });
    documented('/v1/generations', 'post', '200', CreateGenerationResult).parse(again);
    expect(again).toEqual({ ...created, created: false });

    const status = await client.get(created.id);
    const statusSchema = documented('/v1/generations/{id}', 'get', '200', GenerationStatusSchema);
    expect(statusSchema.parse(status)).toMatchObject({ id: created.id, metadata: { n: 1 } });
    // Nothing the client's type lacks: the parsed record (unknown keys stripped) is the same.
    expect(statusSchema.parse(status)).toEqual(status);

    const events = client.events(created.id)[Symbol.asyncIterator]();
    const eventSchema = documented('/v1/generations/{id}/events', 'get', '200', StateEventSchema);
    const first = await events.next();
    expect(eventSchema.parse(first.value)).toMatchObject({ id: created.id, state: 'queued' });

    const canceled = await client.cancel(created.id);
    expect(documented('/v1/generations/{id}', 'delete', '200', CancelResult).parse(canceled)).toEqual({
      id: created.id,
      state: 'canceled',
      canceled: true,
    });
    const rest: StateEvent[] = [];
    for (let e = await events.next(); !e.done; e = await events.next())
      rest.push(eventSchema.parse(e.value) as StateEvent);
    expect(rest.map((e) => e.state)).toEqual(['canceled']);

    // Once finished: cancel says how it ended; get still answers.
    expect(await client.cancel(created.id)).toEqual({ id: created.id, state: 'canceled', canceled: false });
    expect(await client.get(created.id)).toMatchObject({ state: 'canceled' });
  });

  it('unknown generations resolve undefined; a bad request is a ReelayApiError with the document’s problem', async () => {
    const client = await start();
    expect(await client.get('gen_01arz3ndektsv4rrffq69g5fav')).toBeUndefined();
    expect(await client.cancel('gen_01arz3ndektsv4rrffq69g5fav')).toBeUndefined();
    const err = await client
      .create({
        input: { prompt: 'x', media: [{ type: 'nope' as never, url: 'https://example.com/a.png' }] },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isReelayApiError(err)).toBe(true);
    if (!isReelayApiError(err)) return;
    documented('/v1/generations', 'post', '422', ProblemSchema).parse(err.problem);
    expect(err).toMatchObject({
      status: 422,
      code: 'REELAY_INVALID_REQUEST',
      type: 'urn:reelay:problem:invalid-request',
    });
    expect(err.errors?.map((i) => i.path)).toContain('request.input.media[0].type');
    expect(await fx.records()).toBe(0);
  });

  it('getTenant and setTenant answer what the document says; a tenant token is refused the other tenant', async () => {
    const operator = await start(undefined, OPERATOR_TOKEN);
    const changed = await operator.setTenant('acme', {
      weight: 4,
      maxInFlight: 2,
      budget: { limitUsd: 0.2, period: 'month' },
    });
    const tenantSchema = documented('/v1/tenants/{name}', 'put', '200', TenantSchema);
    // Nothing the client's type lacks: the parsed tenant (unknown keys stripped) is the same.
    expect(tenantSchema.parse(changed)).toEqual(changed);
    expect(changed).toMatchObject({ name: 'acme', weight: 4, maxInFlight: 2, paused: false });
    const read = await operator.getTenant('acme');
    expect(documented('/v1/tenants/{name}', 'get', '200', TenantSchema).parse(read)).toEqual(changed);

    const acme = createClient({ baseUrl: base, token: ACME_TOKEN });
    expect(await acme.getTenant('acme')).toEqual(changed);
    const hidden = await acme.getTenant('default').catch((e: unknown) => e);
    expect(isReelayApiError(hidden) && hidden.status).toBe(404);
    if (isReelayApiError(hidden))
      documented('/v1/tenants/{name}', 'get', '404', ProblemSchema).parse(hidden.problem);
    const refused = await acme.setTenant('acme', { weight: 100 }).catch((e: unknown) => e);
    expect(isReelayApiError(refused) && refused.status).toBe(403);
    if (isReelayApiError(refused))
      documented('/v1/tenants/{name}', 'put', '403', ProblemSchema).parse(refused.problem);

    // Over the budget (0.50 USD asked, 0.20 allowed): a 402 whose problem carries the numbers.
    const over = await acme.create(validRequest()).catch((e: unknown) => e);
    expect(isReelayApiError(over)).toBe(true);
    if (!isReelayApiError(over)) return;
    documented('/v1/generations', 'post', '402', ProblemSchema).parse(over.problem);
    expect(over).toMatchObject({ status: 402, code: 'REELAY_BUDGET_EXCEEDED' });
    expect(isBudgetExceededProblem(over.problem)).toBe(true);
    expect(over.problem).toMatchObject({
      tenant: 'acme',
      limitUsd: 0.2,
      spentUsd: 0,
      reservedUsd: 0,
      requestedUsd: 0.5,
    });
    expect(await fx.records()).toBe(0);
  });

  it('events() resumes a dropped stream with Last-Event-ID: no replay, no gap', async () => {
    const eventRequests: Array<string | null> = [];
    // Cuts the first events stream right after its first chunk (the opening event).
    const cutting = (async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('/events')) return res;
      eventRequests.push(new Headers(init?.headers).get('last-event-id'));
      if (eventRequests.length > 1) return res;
      const reader = res.body!.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const chunk = await reader.read();
          if (!chunk.done) controller.enqueue(chunk.value);
          controller.close();
          await reader.cancel();
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    }) as typeof fetch;
    const client = await start(cutting);
    const { id } = await client.create(validRequest());
    const events = client.events(id)[Symbol.asyncIterator]();
    const first = (await events.next()).value as StateEvent;
    expect(first.state).toBe('queued');
    // While cut off: two changes. The iterator reconnects when asked for the next event.
    for (const state of ['submitting', 'running'] as const)
      expect((await fx.recordFixture.force(id, { state })).ok).toBe(true);
    const states: string[] = [];
    for (let e = await events.next(); !e.done; e = await events.next()) {
      states.push(e.value.state);
      if (e.value.state === 'running') await client.cancel(id);
    }
    expect(states).toEqual(['submitting', 'running', 'canceled']);
    expect(eventRequests).toEqual([null, `${first.at}-queued`]);
  });

  it('createBatch, getBatch, listBatchGenerations, batchEvents and cancelBatch answer what the document says', async () => {
    const client = await start(undefined, ACME_TOKEN);
    const items = [0, 1, 2].map((i) => ({ request: validRequest(`item ${i}`), metadata: { i } }));
    const created = await client.createBatch(items, {
      idempotencyKey: `b-${fx.prefix}`,
      metadata: { run: 1 },
    });
    documented('/v1/batches', 'post', '201', BatchCreateResultSchema).parse(created);
    expect(created).toMatchObject({ created: true });
    const again = await client.createBatch(items, { idempotencyKey: `b-${fx.prefix}`, metadata: { run: 1 } });
    expect(documented('/v1/batches', 'post', '200', BatchCreateResultSchema).parse(again)).toMatchObject({
      id: created.id,
      created: false,
    });

    const batchSchema = documented('/v1/batches/{id}', 'get', '200', BatchSchema);
    const read = await client.getBatch(created.id);
    // Nothing the client's type lacks: the parsed batch (unknown keys stripped) is the same.
    expect(batchSchema.parse(read)).toEqual(read);
    expect(read).toMatchObject({
      tenant: 'acme',
      state: 'in_progress',
      metadata: { run: 1 },
      counts: { total: 3 },
    });

    const pageSchema = documented('/v1/batches/{id}/generations', 'get', '200', BatchGenerationsPageSchema);
    const first = (await client.listBatchGenerations(created.id, { limit: 2 }))!;
    expect(pageSchema.parse(first)).toEqual(first);
    expect(first.cursor).toBeDefined();
    const second = (await client.listBatchGenerations(created.id, {
      limit: 2,
      ...(first.cursor ? { cursor: first.cursor } : {}),
    }))!;
    expect(pageSchema.parse(second)).toEqual(second);
    expect(second.cursor).toBeUndefined();
    expect([...first.items, ...second.items].map((g) => g.id)).toEqual(created.generations.map((g) => g.id));

    const eventSchema = documented('/v1/batches/{id}/events', 'get', '200', BatchSchema);
    const events = client.batchEvents(created.id)[Symbol.asyncIterator]();
    expect(eventSchema.parse((await events.next()).value)).toMatchObject({
      id: created.id,
      state: 'in_progress',
    });
    // One member succeeds; then the rest are canceled over HTTP: the stream ends canceled.
    expect((await fx.recordFixture.force(created.generations[0]!.id, { state: 'succeeded' })).ok).toBe(true);
    const canceled = await client.cancelBatch(created.id);
    expect(documented('/v1/batches/{id}', 'delete', '200', BatchSchema).parse(canceled)).toMatchObject({
      state: 'canceled',
      counts: { succeeded: 1, canceled: 2 },
    });
    const rest = [];
    for (let e = await events.next(); !e.done; e = await events.next()) rest.push(eventSchema.parse(e.value));
    expect(rest.at(-1)).toMatchObject({ state: 'canceled', counts: { succeeded: 1, canceled: 2 } });

    // Another tenant's token: as unknown.
    const other = createClient({ baseUrl: base, token: TOKENS[0] });
    expect(await other.getBatch(created.id)).toBeUndefined();
    expect(await other.cancelBatch(created.id)).toBeUndefined();
    expect(await other.listBatchGenerations(created.id)).toBeUndefined();
    const hidden = await other
      .batchEvents(created.id)
      .next()
      .catch((e: unknown) => e);
    expect(isReelayApiError(hidden) && hidden.code).toBe('REELAY_BATCH_NOT_FOUND');
    if (isReelayApiError(hidden))
      documented('/v1/batches/{id}/events', 'get', '404', ProblemSchema).parse(hidden.problem);

    // A bad item: a 422 whose errors name it; nothing created.
    const records = await fx.records();
    const bad = await client
      .createBatch([...items, { request: { input: { media: [] } } as never }])
      .catch((e: unknown) => e);
    expect(isReelayApiError(bad)).toBe(true);
    if (!isReelayApiError(bad)) return;
    documented('/v1/batches', 'post', '422', ProblemSchema).parse(bad.problem);
    expect(bad.errors?.map((i) => i.path)).toContain('items[3].request.input.media');
    expect(await fx.records()).toBe(records);
  });
});
