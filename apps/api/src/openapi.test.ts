import { MEDIA_TYPES } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';

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
    expect(Object.keys(body.properties as Json)).toEqual(['request', 'webhook', 'metadata', 'priority']);
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
      '/v1/generations',
      '/v1/generations/{id}',
      '/v1/generations/{id}/events',
    ]);
    const post = paths['/v1/generations']!.post!;
    expect(Object.keys(post.responses as Json).sort()).toEqual([
      '200',
      '201',
      '400',
      '401',
      '409',
      '413',
      '415',
      '422',
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
});
