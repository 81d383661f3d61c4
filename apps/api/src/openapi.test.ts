import { MEDIA_TYPES } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';
import { PROBLEMS } from './problem.ts';

type Json = Record<string, unknown>;

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) collectRefs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else collectRefs(v, out);
    }
  }
  return out;
}

function resolve(doc: Json, ref: string): unknown {
  expect(ref.startsWith('#/')).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Json | undefined)?.[part], doc);
}

describe('OpenAPI document', () => {
  const doc = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Json;
  const schemas = (doc.components as Json).schemas as Record<string, Json>;

  it('is OpenAPI 3.1 and every $ref resolves inside it', () => {
    expect(doc.openapi).toBe('3.1.0');
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(resolve(doc, ref), ref).toBeTypeOf('object');
    for (const s of Object.values(schemas)) expect(s).not.toHaveProperty('$id');
  });

  it('describes the request body from the contracts schemas', () => {
    const body = schemas.CreateGenerationBody!;
    expect(body.required).toEqual(['request']);
    expect(body.additionalProperties).toBe(false);
    expect(Object.keys(body.properties as Json)).toEqual([
      'request',
      'webhook',
      'metadata',
      'priority',
      'tenant',
    ]);
    const input = (schemas.GenerationRequest!.properties as Json).input as Json;
    const media = (input.properties as Json).media as Json;
    expect(media.minItems).toBe(1);
    const item = resolve(doc, (media.items as Json).$ref as string) as Json;
    expect(((item.properties as Json).type as Json).enum).toEqual([...MEDIA_TYPES]);
    const params = (schemas.GenerationRequest!.properties as Json).parameters as Json;
    expect((params.properties as Json).duration).toMatchObject({ type: 'integer', minimum: 2, maximum: 15 });
  });

  it('documents every route, its auth and its problem responses', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    expect(Object.keys(paths).sort()).toEqual([
      '/healthz',
      '/openapi.json',
      '/v1/batches',
      '/v1/batches/{id}',
      '/v1/batches/{id}/events',
      '/v1/batches/{id}/generations',
      '/v1/generations',
      '/v1/generations/{id}',
      '/v1/generations/{id}/events',
      '/v1/tenants/{name}',
    ]);
    const post = paths['/v1/generations']!.post!;
    expect(Object.keys(post.responses as Json).sort()).toEqual([
      '200',
      '201',
      '400',
      '401',
      '402',
      '403',
      '409',
      '413',
      '415',
      '422',
      '431',
      '500',
      '503',
    ]);
    expect((post.responses as Record<string, Json>)['422']!.content).toHaveProperty([
      'application/problem+json',
    ]);
    expect(paths['/healthz']!.get!.security).toEqual([]);
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(schemas.GenerationStatus!.required).toEqual(
      expect.arrayContaining(['id', 'state', 'timeline', 'request', 'upstream', 'attempts', 'deliveries']),
    );
  });

  it('documents every problem the API sends, each under its own status', () => {
    const seen = new Set<string>();
    const paths = doc.paths as Record<string, Record<string, Json>>;
    for (const item of Object.values(paths))
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
          const media = (response.content as Record<string, Json> | undefined)?.['application/problem+json'];
          if (!media) continue;
          for (const [kind, example] of Object.entries(media.examples as Record<string, Json>)) {
            const value = example.value as Json;
            expect(value.type).toBe(`urn:reelay:problem:${kind}`);
            expect(String(value.status), `${method} ${kind}`).toBe(status);
            expect(value.code).toBe(PROBLEMS[kind as keyof typeof PROBLEMS].code);
            seen.add(kind);
          }
        }
      }
    // Problems of no one route (an unknown route or method, oversized headers, shutdown) have
    // no operation to hang on; the description names them.
    const routeless = ['not-found', 'method-not-allowed', 'headers-too-large', 'shutting-down'];
    for (const kind of routeless)
      expect((doc.info as Json).description).toContain(`urn:reelay:problem:${kind}`);
    expect([...new Set([...seen, ...routeless])].sort()).toEqual(Object.keys(PROBLEMS).sort());
  });

  it('documents the tenant routes, their bodies and the 402 of a budget refusal', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const tenant = paths['/v1/tenants/{name}']!;
    expect(Object.keys(tenant).sort()).toEqual(['get', 'parameters', 'put']);
    expect(Object.keys(tenant.get!.responses as Json).sort()).toEqual([
      '200',
      '401',
      '404',
      '431',
      '500',
      '503',
    ]);
    expect(Object.keys(tenant.put!.responses as Json).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '413',
      '415',
      '422',
      '431',
      '500',
      '503',
    ]);
    expect(
      ((tenant.put!.requestBody as Json).content as Record<string, Json>)['application/json']!.schema,
    ).toEqual({ $ref: '#/components/schemas/TenantSettingsPatch' });
    expect(schemas.TenantSettingsPatch!.additionalProperties).toBe(false);
    expect(Object.keys(schemas.TenantSettingsPatch!.properties as Json)).toEqual([
      'weight',
      'maxInFlight',
      'budget',
      'paused',
    ]);
    expect(schemas.Tenant!.required).toEqual(['name', 'weight', 'maxInFlight', 'budget', 'paused', 'usage']);
    const refusal = (
      (
        (paths['/v1/generations']!.post!.responses as Record<string, Json>)['402']!.content as Record<
          string,
          Json
        >
      )['application/problem+json']!.examples as Record<string, Json>
    )['budget-exceeded']!.value as Json;
    expect(refusal).toMatchObject({ status: 402, code: 'REELAY_BUDGET_EXCEEDED' });
    expect(Object.keys(refusal)).toEqual(
      expect.arrayContaining(['tenant', 'limitUsd', 'spentUsd', 'reservedUsd', 'requestedUsd']),
    );
  });

  it('describes the events stream: event name, data schema, ids, Last-Event-ID', () => {
    const op = (doc.paths as Record<string, Record<string, Json>>)['/v1/generations/{id}/events']!.get!;
    const stream = ((op.responses as Record<string, Json>)['200']!.content as Record<string, Json>)[
      'text/event-stream'
    ]!;
    const event = ((stream.schema as Json).$defs as Record<string, Json>).event!;
    expect((event.properties as Record<string, Json>).event).toEqual({ const: 'state' });
    expect((event.properties as Record<string, Json>).data!.contentSchema).toEqual({
      $ref: '#/components/schemas/StateEvent',
    });
    expect(schemas.StateEvent!.required).toEqual(['id', 'state', 'at']);
    expect(op.parameters).toContainEqual(expect.objectContaining({ name: 'Last-Event-ID', in: 'header' }));
    expect(stream.example).toMatch(/^event: state\nid: .+\ndata: \{/);
    expect(op.description).toMatch(/heartbeat/);
  });

  it('documents the batch routes: the body, its item, the results and the events stream', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    const create = paths['/v1/batches']!.post!;
    expect(Object.keys(create.responses as Json).sort()).toEqual([
      '200',
      '201',
      '400',
      '401',
      '402',
      '403',
      '409',
      '413',
      '415',
      '422',
      '431',
      '500',
      '503',
    ]);
    expect(schemas.CreateBatchBody!.required).toEqual(['items']);
    expect(schemas.CreateBatchBody!.additionalProperties).toBe(false);
    expect(Object.keys(schemas.CreateBatchBody!.properties as Json)).toEqual([
      'items',
      'webhook',
      'metadata',
      'tenant',
    ]);
    const items = (schemas.CreateBatchBody!.properties as Record<string, Json>).items!;
    expect(items).toMatchObject({
      minItems: 1,
      maxItems: 10_000,
      items: { $ref: '#/components/schemas/CreateBatchItem' },
    });
    expect(Object.keys(schemas.CreateBatchItem!.properties as Json)).toEqual([
      'request',
      'webhook',
      'metadata',
      'priority',
    ]);
    expect(Object.keys(paths['/v1/batches/{id}']!).sort()).toEqual(['delete', 'get', 'parameters']);
    expect(schemas.Batch!.required).toEqual(
      expect.arrayContaining(['id', 'tenant', 'state', 'counts', 'created', 'costUsd', 'round']),
    );
    const page = paths['/v1/batches/{id}/generations']!.get!;
    expect((page.parameters as Json[]).map((p) => `${p.in} ${p.name}`)).toEqual([
      'query cursor',
      'query limit',
    ]);
    const stream = (
      (paths['/v1/batches/{id}/events']!.get!.responses as Record<string, Json>)['200']!.content as Record<
        string,
        Json
      >
    )['text/event-stream']!;
    const event = ((stream.schema as Json).$defs as Record<string, Json>).event!;
    expect((event.properties as Record<string, Json>).event).toEqual({ const: 'batch' });
    expect((event.properties as Record<string, Json>).data!.contentSchema).toEqual({
      $ref: '#/components/schemas/Batch',
    });
    expect(stream.example).toMatch(/^event: batch\ndata: \{/);
  });
});
