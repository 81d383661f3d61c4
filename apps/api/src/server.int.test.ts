import { Writable } from 'node:stream';
import { MEDIA_TYPES } from '@reelay/contracts';
import { createLogger } from '@reelay/core';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenerationStatusSchema } from './response-schemas.ts';
import { createApiServer } from './server.ts';
import { AUTH, createFixture, type Fixture, TOKENS, validRequest } from './test-fixtures.ts';

let fx: Fixture;
beforeEach(() => {
  fx = createFixture();
});
afterEach(async () => {
  await fx.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fx.app.inject({
    method: 'POST',
    url: '/v1/generations',
    headers: { ...AUTH, ...headers },
    payload: body as object,
  });

/** Asserts an RFC 9457 body and returns it. */
function expectProblem(res: LightMyRequestResponse, status: number, kind: string): Record<string, unknown> {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({
    type: `urn:reelay:problem:${kind}`,
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.stringMatching(/^\//),
    code: expect.stringMatching(/^REELAY_/),
  });
  return body;
}

async function expectNothingEnqueued(): Promise<void> {
  expect(await fx.submitJobs()).toBe(0);
  expect(await fx.records()).toBe(0);
}

describe('POST /v1/generations', () => {
  it('enqueues, answers 201 with the id and a Location the status can be read at', async () => {
    const res = await post({
      request: validRequest(),
      webhook: { url: 'https://hooks.example.com/reelay', events: ['generation.running'] },
      metadata: { order: 42 },
      priority: 3,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ id: expect.stringMatching(/^gen_/), state: 'queued', created: true });
    expect(res.headers.location).toBe(`/v1/generations/${body.id}`);
    expect(await fx.submitJobs()).toBe(1);

    const status = await fx.app.inject({ url: res.headers.location as string, headers: AUTH });
    expect(status.statusCode).toBe(200);
    expect(GenerationStatusSchema.parse(status.json())).toMatchObject({
      id: body.id,
      state: 'queued',
      request: validRequest(),
      webhook: { url: 'https://hooks.example.com/reelay', events: ['generation.running'] },
      metadata: { order: 42 },
      priority: 3,
    });
  });

  it('returns the same generation with 200 for a repeated Idempotency-Key, enqueuing nothing new', async () => {
    const first = await post({ request: validRequest() }, { 'idempotency-key': 'order-42' });
    expect(first.statusCode).toBe(201);
    // Key order does not matter: the same request, spelled differently.
    const again = await post(
      { request: { parameters: { resolution: '720P', duration: 5 }, input: validRequest().input } },
      { 'idempotency-key': 'order-42' },
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ id: first.json().id, state: 'queued', created: false });
    expect(again.headers.location).toBe(first.headers.location);
    expect(await fx.submitJobs()).toBe(1);
    expect(await fx.records()).toBe(1);
  });

  it('refuses a repeated Idempotency-Key with a different body with 409, enqueuing nothing', async () => {
    const first = await post({ request: validRequest() }, { 'idempotency-key': 'order-43' });
    const other = await post({ request: validRequest('a dog') }, { 'idempotency-key': 'order-43' });
    const p = expectProblem(other, 409, 'idempotency-conflict');
    expect(p.existingId).toBe(first.json().id);
    expect(p.code).toBe('REELAY_IDEMPOTENCY_CONFLICT');
    expect(await fx.submitJobs()).toBe(1);
  });

  it('answers 422 listing every broken rule by path, and enqueues nothing', async () => {
    const res = await post(
      {
        request: {
          input: {
            media: [
              { type: 'first_clip', url: 'https://example.com/a.mp4' },
              { type: 'driving_audio', url: 'https://example.com/a.mp3' },
            ],
          },
        },
        priority: 0,
        colour: 'red',
      },
      { 'idempotency-key': 'has space' },
    );
    const p = expectProblem(res, 422, 'invalid-request');
    expect(p.code).toBe('REELAY_INVALID_REQUEST');
    expect(p.errors).toEqual(
      expect.arrayContaining([
        {
          path: 'request.input.media',
          rule: 'media_combination',
          message: 'first_clip cannot be combined with driving_audio',
        },
        { path: 'priority', rule: 'too_small', message: expect.stringContaining('integer from 1') },
        { path: 'colour', rule: 'unknown_field', message: 'is not a known field' },
        { path: 'headers.idempotency-key', rule: 'invalid_format', message: expect.any(String) },
      ]),
    );
    await expectNothingEnqueued();
  });

  it('answers 422 for wrong types, naming each field', async () => {
    const res = await post({
      request: { input: { prompt: 42, media: 'cat.png' } },
      metadata: [1],
      priority: 'high',
    });
    const p = expectProblem(res, 422, 'invalid-request');
    expect((p.errors as Array<{ path: string }>).map((e) => e.path).sort()).toEqual([
      'metadata',
      'priority',
      'request.input.media',
      'request.input.prompt',
    ]);
    await expectNothingEnqueued();
  });

  it('answers 422 when the body is not an object or has no request', async () => {
    expect(expectProblem(await post([validRequest()]), 422, 'invalid-request').errors).toEqual([
      { path: '', rule: 'invalid_type', message: 'must be a JSON object' },
    ]);
    expect(
      expectProblem(await post({ webhook: { url: 'https://x.example' } }), 422, 'invalid-request').errors,
    ).toEqual([{ path: 'request', rule: 'required', message: 'is required' }]);
    await expectNothingEnqueued();
  });

  it("refuses a webhook target the producer's SSRF check rejects", async () => {
    const res = await post({ request: validRequest(), webhook: { url: 'https://127.0.0.1/hook' } });
    const p = expectProblem(res, 422, 'invalid-request');
    expect(p.errors).toEqual([{ path: 'webhook.url', rule: 'webhook_target', message: expect.any(String) }]);
    await expectNothingEnqueued();
  });

  it('answers 400 for a body that is not JSON, or empty', async () => {
    const bad = await fx.app.inject({
      method: 'POST',
      url: '/v1/generations',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"request": {',
    });
    expectProblem(bad, 400, 'malformed-json');
    const empty = await fx.app.inject({
      method: 'POST',
      url: '/v1/generations',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '',
    });
    expectProblem(empty, 400, 'malformed-json');
    await expectNothingEnqueued();
  });

  it('answers 415 for another content type, or none', async () => {
    const text = await fx.app.inject({
      method: 'POST',
      url: '/v1/generations',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: JSON.stringify({ request: validRequest() }),
    });
    expectProblem(text, 415, 'unsupported-media-type');
    const form = await fx.app.inject({
      method: 'POST',
      url: '/v1/generations',
      headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'request=1',
    });
    expectProblem(form, 415, 'unsupported-media-type');
    const none = await fx.app.inject({ method: 'POST', url: '/v1/generations', headers: AUTH });
    expectProblem(none, 415, 'unsupported-media-type');
    await expectNothingEnqueued();
  });

  it('answers 413 above the body limit (1 MiB by default), enqueuing nothing', async () => {
    const big = validRequest('x'.repeat(1024 * 1024));
    const p = expectProblem(await post({ request: big }), 413, 'body-too-large');
    expect(p.limitBytes).toBe(1024 * 1024);
    await expectNothingEnqueued();
  });

  it('honours a configured body limit', async () => {
    const small = createFixture({ bodyLimitBytes: 2048 });
    try {
      const req = (prompt: string) =>
        small.app.inject({
          method: 'POST',
          url: '/v1/generations',
          headers: AUTH,
          payload: { request: validRequest(prompt) },
        });
      expectProblem(await req('y'.repeat(3000)), 413, 'body-too-large');
      expect(await small.submitJobs()).toBe(0);
      expect((await req('fits')).statusCode).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe('GET and DELETE /v1/generations/:id', () => {
  it('answers 404 problems for unknown and malformed ids', async () => {
    const unknown = 'gen_01arz3ndektsv4rrffq69g5fav';
    const p = expectProblem(
      await fx.app.inject({ url: `/v1/generations/${unknown}`, headers: AUTH }),
      404,
      'generation-not-found',
    );
    expect(p.instance).toBe(`/v1/generations/${unknown}`);
    expectProblem(
      await fx.app.inject({ url: '/v1/generations/nope', headers: AUTH }),
      404,
      'generation-not-found',
    );
    expectProblem(
      await fx.app.inject({ method: 'DELETE', url: `/v1/generations/${unknown}`, headers: AUTH }),
      404,
      'generation-not-found',
    );
  });

  it('cancels a queued generation, removes its submit job, then refuses a second cancel with 409', async () => {
    const { id } = (await post({ request: validRequest() })).json();
    const del = await fx.app.inject({ method: 'DELETE', url: `/v1/generations/${id}`, headers: AUTH });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ id, state: 'canceled', canceled: true });
    expect((await fx.app.inject({ url: `/v1/generations/${id}`, headers: AUTH })).json().state).toBe(
      'canceled',
    );
    expect(await fx.submitJobs()).toBe(0);

    const again = await fx.app.inject({ method: 'DELETE', url: `/v1/generations/${id}`, headers: AUTH });
    const p = expectProblem(again, 409, 'generation-finished');
    expect(p).toMatchObject({ state: 'canceled', detail: expect.stringContaining('already canceled') });
  });

  it('refuses to cancel a succeeded generation, saying so', async () => {
    const { id } = (await post({ request: validRequest() })).json();
    expect((await fx.recordFixture.force(id, { state: 'succeeded' })).ok).toBe(true);
    const p = expectProblem(
      await fx.app.inject({ method: 'DELETE', url: `/v1/generations/${id}`, headers: AUTH }),
      409,
      'generation-finished',
    );
    expect(p.state).toBe('succeeded');
  });
});

describe('auth', () => {
  it('answers 401 with a Bearer challenge without a token, and enqueues nothing', async () => {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/v1/generations',
      payload: { request: validRequest() },
    });
    expectProblem(res, 401, 'unauthorized');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="reelay"');
    await expectNothingEnqueued();
  });

  it('answers 401 invalid_token for a wrong token or another scheme', async () => {
    for (const authorization of [`Bearer ${TOKENS[0]}x`, `Basic ${Buffer.from('u:p').toString('base64')}`]) {
      const res = await post({ request: validRequest() }, { authorization });
      expectProblem(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="reelay", error="invalid_token"');
    }
    await expectNothingEnqueued();
  });

  it('accepts each configured token', async () => {
    for (const token of TOKENS) {
      const res = await post({ request: validRequest(token) }, { authorization: `Bearer ${token}` });
      expect(res.statusCode).toBe(201);
    }
    expect(await fx.submitJobs()).toBe(2);
  });

  it('guards unknown routes too (401 without a token, a 404 problem with one)', async () => {
    expectProblem(await fx.app.inject({ url: '/v1/nothing-here' }), 401, 'unauthorized');
    const p = expectProblem(
      await fx.app.inject({ url: '/v1/nothing-here?x=1', headers: AUTH }),
      404,
      'not-found',
    );
    expect(p.instance).toBe('/v1/nothing-here');
  });

  it('leaves /healthz and /openapi.json open', async () => {
    const health = await fx.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    expect((await fx.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
  });

  it('reports 503 on /healthz while Redis does not answer, and 200 once it does again', async () => {
    const redis = fx.producerConnection;
    redis.disconnect();
    expectProblem(await fx.app.inject({ url: '/healthz' }), 503, 'unavailable');
    await redis.connect();
    expect((await fx.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('never writes a token to the log', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        logged += String(chunk);
        done();
      },
    });
    const logFx = createFixture({ logger: createLogger({ level: 'trace' }, sink) });
    try {
      await logFx.app.inject({
        method: 'POST',
        url: '/v1/generations',
        headers: AUTH,
        payload: { request: validRequest() },
      });
      await logFx.app.inject({ url: '/v1/nothing', headers: { authorization: 'Bearer wrong-secret-token' } });
      await logFx.app.inject({ method: 'POST', url: '/v1/generations', headers: AUTH, payload: '{bad' });
    } finally {
      await logFx.close();
    }
    expect(logged).toContain('request served');
    expect(logged).not.toContain(TOKENS[0]);
    expect(logged).not.toContain('wrong-secret-token');
  });

  it('refuses to build a server without tokens unless told to, and then serves without auth', async () => {
    expect(() => createApiServer({ producer: fx.producer, tokens: [] })).toThrow(/no tokens/);
    const open = createFixture({ tokens: [], allowNoAuth: true });
    try {
      const res = await open.app.inject({
        method: 'POST',
        url: '/v1/generations',
        payload: { request: validRequest() },
      });
      expect(res.statusCode).toBe(201);
    } finally {
      await open.close();
    }
  });
});

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document with the request schema from contracts', async () => {
    const res = await fx.app.inject({ url: '/openapi.json' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.body);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.MediaItem.properties.type.enum).toEqual([...MEDIA_TYPES]);
    expect(doc.paths['/v1/generations'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreateGenerationBody',
    });
  });
});
