/**
 * @reelay/client against the OpenAPI document: the routes it calls exist with its methods, the
 * create body it sends has the document's fields, and its types are the response schemas'
 * (checked at compile time). client-contract.int.test.ts checks real responses.
 */

import {
  type CancelResult as ClientCancelResult,
  type CreateBatchItem,
  type CreateBatchOptions,
  type CreateOptions,
  type CreateResult,
  createClient,
  type ReelayClient,
  type StateEvent,
} from '@reelay/client';
import type { GenerationRequest, TenantSettingsPatch } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildOpenApiDocument, type CreateBatchBody, type CreateGenerationBody } from './openapi.ts';
import type {
  BatchCreateResultSchema,
  BatchGenerationsPageSchema,
  BatchSchema,
  CancelResult,
  CreateGenerationResult,
  GenerationStatusSchema,
  StateEventSchema,
  TenantSchema,
} from './response-schemas.ts';
import { validRequest } from './test-fixtures.ts';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Flat<T> = { [K in keyof T]: T[K] };
// Each fails the typecheck when the client's type and the API's schema drift apart.
const createResult: Same<CreateResult, z.infer<typeof CreateGenerationResult>> = true;
const stateEvent: Same<StateEvent, z.infer<typeof StateEventSchema>> = true;
const cancelResult: Same<
  Extract<ClientCancelResult, { canceled: true }>,
  z.infer<typeof CancelResult>
> = true;
const status: Same<
  NonNullable<Awaited<ReturnType<ReturnType<typeof createClient>['get']>>>,
  z.infer<typeof GenerationStatusSchema>
> = true;
const createBody: Same<
  Flat<Omit<CreateOptions, 'idempotencyKey'> & { request: GenerationRequest }>,
  Flat<z.infer<typeof CreateGenerationBody>>
> = true;
const tenant: Same<Flat<Awaited<ReturnType<ReelayClient['getTenant']>>>, z.infer<typeof TenantSchema>> = true;
const setTenantResult: Same<
  Flat<Awaited<ReturnType<ReelayClient['setTenant']>>>,
  z.infer<typeof TenantSchema>
> = true;
// The PUT body's component is the contracts schema itself (openapi.ts registers TenantSettingsPatch).
const tenantSettings: Same<
  Parameters<ReelayClient['setTenant']>[1],
  z.input<typeof TenantSettingsPatch>
> = true;
type Result<K extends keyof ReelayClient> = NonNullable<
  Awaited<ReturnType<Extract<ReelayClient[K], (...args: never[]) => Promise<unknown>>>>
>;
type FlatBatch<T> = Flat<Omit<T, 'counts'> & { counts: Flat<T[keyof T & 'counts']> }>;
const batch: Same<FlatBatch<Result<'getBatch'>>, FlatBatch<z.infer<typeof BatchSchema>>> = true;
const canceledBatch: Same<FlatBatch<Result<'cancelBatch'>>, FlatBatch<z.infer<typeof BatchSchema>>> = true;
const batchEvent: Same<
  FlatBatch<ReturnType<ReelayClient['batchEvents']> extends AsyncGenerator<infer B> ? B : never>,
  FlatBatch<z.infer<typeof BatchSchema>>
> = true;
const batchCreated: Same<Result<'createBatch'>, z.infer<typeof BatchCreateResultSchema>> = true;
const batchPage: Same<Result<'listBatchGenerations'>, z.infer<typeof BatchGenerationsPageSchema>> = true;
const batchBody: Same<
  Flat<Omit<CreateBatchOptions, 'idempotencyKey'> & { items: CreateBatchItem[] }>,
  Flat<z.infer<typeof CreateBatchBody>>
> = true;
void [createResult, stateEvent, cancelResult, status, createBody, tenant, setTenantResult, tenantSettings];
void [batch, canceledBatch, batchEvent, batchCreated, batchPage, batchBody];

type Doc = {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};
const doc = buildOpenApiDocument() as Doc;
const ID = 'gen_01arz3ndektsv4rrffq69g5fav';
const BATCH_ID = 'bat_01arz3ndektsv4rrffq69g5fav';
const TENANT = 'acme';

/** Calls every client method against a recording fetch; returns what went over the wire. */
async function wire() {
  const calls: Array<{
    method: string;
    path: string;
    query: URLSearchParams;
    headers: Headers;
    body?: unknown;
  }> = [];
  const reply = (method: string, path: string): Response => {
    if (path.startsWith('/v1/batches/') && path.endsWith('/events'))
      return new Response(`event: batch\ndata: {"id":"${BATCH_ID}","state":"canceled"}\n\n`, {
        headers: { 'content-type': 'text/event-stream' },
      });
    if (path.startsWith('/v1/batches/') && path.endsWith('/generations')) return Response.json({ items: [] });
    if (path.startsWith('/v1/batches')) {
      if (method === 'POST')
        return Response.json({ id: BATCH_ID, created: true, generations: [] }, { status: 201 });
      return Response.json({ id: BATCH_ID, state: 'canceled' });
    }
    if (path.endsWith('/events'))
      return new Response(
        `id: 1-canceled\nevent: state\ndata: {"id":"${ID}","state":"canceled","at":1}\n\n`,
        {
          headers: { 'content-type': 'text/event-stream' },
        },
      );
    if (method === 'POST') return Response.json({ id: ID, state: 'queued', created: true }, { status: 201 });
    if (method === 'DELETE') return Response.json({ id: ID, state: 'canceled', canceled: true });
    return Response.json({ id: ID, state: 'queued' });
  };
  const client = createClient({
    baseUrl: 'http://api.test',
    token: 'tok',
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      const method = init?.method ?? 'GET';
      calls.push({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: new Headers(init?.headers),
        ...(typeof init?.body === 'string' ? { body: JSON.parse(init.body) } : {}),
      });
      return reply(method, url.pathname);
    }) as typeof fetch,
  });
  // Required<>: a new client option without a place here fails the typecheck.
  const options: Required<CreateOptions> = {
    idempotencyKey: 'k-1',
    webhook: { url: 'https://hooks.example.com/r' },
    metadata: { order: 1 },
    priority: 2,
    tenant: TENANT,
  };
  await client.create(validRequest(), options);
  await client.get(ID);
  await client.cancel(ID);
  for await (const _ of client.events(ID)) void _;
  await client.getTenant(TENANT);
  // Required<>: a new setting without a place here fails the typecheck.
  const settings: Required<TenantSettingsPatch> = {
    weight: 2,
    maxInFlight: 4,
    budget: { limitUsd: 10, period: 'month' },
    paused: false,
  };
  await client.setTenant(TENANT, settings);
  // Required<>: a new item field or batch option without a place here fails the typecheck.
  const item: Required<CreateBatchItem> = {
    request: validRequest(),
    webhook: { url: 'https://hooks.example.com/r' },
    metadata: { sku: 1 },
    priority: 2,
  };
  const batchOptions: Required<CreateBatchOptions> = {
    idempotencyKey: 'k-2',
    webhook: { url: 'https://hooks.example.com/b' },
    metadata: { run: 1 },
    tenant: TENANT,
  };
  await client.createBatch([item], batchOptions);
  await client.getBatch(BATCH_ID);
  await client.cancelBatch(BATCH_ID);
  await client.listBatchGenerations(BATCH_ID, { cursor: '100', limit: 10 });
  for await (const _ of client.batchEvents(BATCH_ID)) void _;
  return calls;
}

describe('@reelay/client agrees with /openapi.json', () => {
  it('every route the client calls is in the document with the method it uses', async () => {
    const calls = await wire();
    const used = calls.map(
      (c) =>
        `${c.method} ${c.path
          .replace(ID, '{id}')
          .replace(BATCH_ID, '{id}')
          .replace(`/tenants/${TENANT}`, '/tenants/{name}')}`,
    );
    expect(used).toEqual([
      'POST /v1/generations',
      'GET /v1/generations/{id}',
      'DELETE /v1/generations/{id}',
      'GET /v1/generations/{id}/events',
      'GET /v1/tenants/{name}',
      'PUT /v1/tenants/{name}',
      'POST /v1/batches',
      'GET /v1/batches/{id}',
      'DELETE /v1/batches/{id}',
      'GET /v1/batches/{id}/generations',
      'GET /v1/batches/{id}/events',
    ]);
    for (const u of used) {
      const [method, path] = u.split(' ') as [string, string];
      expect(doc.paths[path]?.[method.toLowerCase()], u).toBeDefined();
    }
  });

  it('the setTenant body holds exactly the document’s TenantSettingsPatch fields, as JSON', async () => {
    const put = (await wire()).find((c) => c.method === 'PUT')!;
    const schema = doc.components.schemas.TenantSettingsPatch!;
    expect(Object.keys(put.body as object).sort()).toEqual(Object.keys(schema.properties!).sort());
    expect(put.headers.get('content-type')).toBe('application/json');
  });

  it('the create body holds exactly the document’s fields; the idempotency key is its documented header', async () => {
    const [create] = await wire();
    const schema = doc.components.schemas.CreateGenerationBody!;
    expect(Object.keys(create!.body as object).sort()).toEqual(Object.keys(schema.properties!).sort());
    expect(schema.required).toEqual(['request']);
    const headers = (doc.paths['/v1/generations']!.post!.parameters ?? []).filter((p) => p.in === 'header');
    expect(headers.map((h) => h.name.toLowerCase())).toEqual(['idempotency-key']);
    expect(create!.headers.get('idempotency-key')).toBe('k-1');
    expect(create!.headers.get('content-type')).toBe('application/json');
  });

  it('the createBatch body holds exactly the document’s fields, each item its item’s; the query its parameters', async () => {
    const calls = await wire();
    const create = calls.find((c) => c.method === 'POST' && c.path === '/v1/batches')!;
    const schema = doc.components.schemas.CreateBatchBody!;
    expect(Object.keys(create.body as object).sort()).toEqual(Object.keys(schema.properties!).sort());
    const [item] = (create.body as { items: object[] }).items;
    expect(Object.keys(item!).sort()).toEqual(
      Object.keys(doc.components.schemas.CreateBatchItem!.properties!).sort(),
    );
    const headers = (doc.paths['/v1/batches']!.post!.parameters ?? []).filter((p) => p.in === 'header');
    expect(headers.map((h) => h.name.toLowerCase())).toEqual(['idempotency-key']);
    expect(create.headers.get('idempotency-key')).toBe('k-2');
    const list = calls.find((c) => c.path.startsWith('/v1/batches/') && c.path.endsWith('/generations'))!;
    const query = (doc.paths['/v1/batches/{id}/generations']!.get!.parameters ?? []).filter(
      (p) => p.in === 'query',
    );
    expect(query.map((p) => p.name).sort()).toEqual(['cursor', 'limit']);
    expect([...list.query.keys()].sort()).toEqual(['cursor', 'limit']);
  });
});
