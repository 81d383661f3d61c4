/**
 * Tenants over HTTP, against real Redis: a token bound to a tenant enqueues into it and sees
 * only its generations, an operator token sees all and may change tenants, and a budget refusal
 * is a 402 with its numbers.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GenerationStatusSchema, TenantSchema } from './response-schemas.ts';
import {
  ACME_AUTH,
  AUTH,
  createFixture,
  type Fixture,
  OPERATOR_AUTH,
  TOKENS,
  validRequest,
} from './test-fixtures.ts';

let fx: Fixture;
beforeEach(() => {
  fx = createFixture();
});
afterEach(async () => {
  await fx.close();
});

type Headers = Record<string, string>;
const post = (headers: Headers, body: Record<string, unknown> = { request: validRequest() }) =>
  fx.app.inject({ method: 'POST', url: '/v1/generations', headers, payload: body });
const get = (headers: Headers, url: string) => fx.app.inject({ url, headers });
const put = (headers: Headers, name: string, body: unknown, contentType = 'application/json') =>
  fx.app.inject({
    method: 'PUT',
    url: `/v1/tenants/${name}`,
    headers: { ...headers, 'content-type': contentType },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Asserts an RFC 9457 body and returns it. */
function expectProblem(res: LightMyRequestResponse, status: number, kind: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
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

async function created(headers: Headers, body?: Record<string, unknown>): Promise<string> {
  const res = await post(headers, body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

const tenantOf = async (id: string) => (await fx.producer.getStatus(id))?.tenant;

describe('tokens bound to tenants', () => {
  it('a bound token enqueues into its tenant, a bare one into default; the status shows it', async () => {
    const acme = await created(ACME_AUTH);
    const plain = await created(AUTH);
    const status = await get(ACME_AUTH, `/v1/generations/${acme}`);
    expect(status.statusCode).toBe(200);
    expect(GenerationStatusSchema.parse(status.json())).toMatchObject({ id: acme, tenant: 'acme' });
    expect((await get(AUTH, `/v1/generations/${plain}`)).json()).toMatchObject({ tenant: 'default' });
    expect(await tenantOf(acme)).toBe('acme');
    expect(await tenantOf(plain)).toBe('default');
  });

  it('a bound token may name its own tenant in the body, but no other (403, nothing enqueued)', async () => {
    const own = await created(ACME_AUTH, { request: validRequest(), tenant: 'acme' });
    expect(await tenantOf(own)).toBe('acme');
    const other = expectProblem(
      await post(ACME_AUTH, { request: validRequest(), tenant: 'default' }),
      403,
      'forbidden',
    );
    expect(other.detail).toMatch(/belongs to tenant acme and cannot enqueue for tenant default/);
    expectProblem(await post(AUTH, { request: validRequest(), tenant: 'acme' }), 403, 'forbidden');
    expect(await fx.records()).toBe(1);
    expect(await fx.submitJobs()).toBe(1);
  });

  it('an operator token enqueues into the tenant the body names, default when none', async () => {
    const beta = await created(OPERATOR_AUTH, { request: validRequest(), tenant: 'beta' });
    const none = await created(OPERATOR_AUTH);
    expect(await tenantOf(beta)).toBe('beta');
    expect(await tenantOf(none)).toBe('default');
    // A malformed tenant name is a 422 naming the field, for operators too.
    const p = expectProblem(
      await post(OPERATOR_AUTH, { request: validRequest(), tenant: 'no spaces' }),
      422,
      'invalid-request',
    );
    expect((p.errors as Array<{ path: string }>).map((i) => i.path)).toEqual(['tenant']);
  });

  it('naming default or nothing is the same request for idempotency', async () => {
    const first = await post({ ...OPERATOR_AUTH, 'idempotency-key': 'k-1' }, { request: validRequest() });
    const again = await post(
      { ...AUTH, 'idempotency-key': 'k-1' },
      { request: validRequest(), tenant: 'default' },
    );
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
  });

  it("another tenant's generation answers 404 to GET, DELETE and events exactly as an unknown id", async () => {
    const theirs = await created(AUTH);
    const unknown = 'gen_01arz3ndektsv4rrffq69g5fav';
    for (const [method, suffix] of [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/events'],
    ] as const) {
      const hidden = await fx.app.inject({
        method,
        url: `/v1/generations/${theirs}${suffix}`,
        headers: ACME_AUTH,
      });
      const none = await fx.app.inject({
        method,
        url: `/v1/generations/${unknown}${suffix}`,
        headers: ACME_AUTH,
      });
      const p = expectProblem(hidden, 404, 'generation-not-found');
      expectProblem(none, 404, 'generation-not-found');
      // The same body but for the id it names.
      expect(JSON.parse(hidden.body.replaceAll(theirs, unknown))).toEqual(none.json());
      expect(p.id).toBe(theirs);
    }
    // The DELETE did nothing.
    expect((await fx.producer.getStatus(theirs))?.state).toBe('queued');
    expect(await fx.submitJobs()).toBe(1);
  });

  it('an operator token reads and cancels any tenant’s generation', async () => {
    const acme = await created(ACME_AUTH);
    const plain = await created(AUTH);
    expect((await get(OPERATOR_AUTH, `/v1/generations/${acme}`)).json()).toMatchObject({ tenant: 'acme' });
    expect((await get(OPERATOR_AUTH, `/v1/generations/${plain}`)).json()).toMatchObject({
      tenant: 'default',
    });
    const del = await fx.app.inject({
      method: 'DELETE',
      url: `/v1/generations/${acme}`,
      headers: OPERATOR_AUTH,
    });
    expect(del.json()).toEqual({ id: acme, state: 'canceled', canceled: true });
    // And a bound token cancels its own.
    const own = await fx.app.inject({ method: 'DELETE', url: `/v1/generations/${plain}`, headers: AUTH });
    expect(own.json()).toEqual({ id: plain, state: 'canceled', canceled: true });
  });
});

describe('GET /v1/tenants/:name', () => {
  it('a bound token reads its own tenant only; any other name is a 404', async () => {
    await created(ACME_AUTH);
    const res = await get(ACME_AUTH, '/v1/tenants/acme');
    expect(res.statusCode).toBe(200);
    expect(TenantSchema.parse(res.json())).toEqual({
      name: 'acme',
      weight: 1,
      maxInFlight: null,
      budget: null,
      paused: false,
      usage: expect.objectContaining({ reservedUsd: 0.5 }),
    });
    expect((await get(AUTH, '/v1/tenants/default')).statusCode).toBe(200);
    const p = expectProblem(await get(ACME_AUTH, '/v1/tenants/default'), 404, 'tenant-not-found');
    expect(p).toMatchObject({ detail: 'no tenant default', instance: '/v1/tenants/default' });
    expectProblem(await get(AUTH, '/v1/tenants/acme'), 404, 'tenant-not-found');
  });

  it('an operator token reads any tenant, configured or not; a malformed name is a 404', async () => {
    expect(TenantSchema.parse((await get(OPERATOR_AUTH, '/v1/tenants/acme')).json()).name).toBe('acme');
    expect((await get(OPERATOR_AUTH, '/v1/tenants/never.seen')).json()).toMatchObject({
      name: 'never.seen',
      weight: 1,
    });
    expectProblem(await get(OPERATOR_AUTH, `/v1/tenants/${'x'.repeat(65)}`), 404, 'tenant-not-found');
    expectProblem(await get(OPERATOR_AUTH, '/v1/tenants/a%20b'), 404, 'tenant-not-found');
  });

  it('needs a token', async () => {
    expectProblem(await get({}, '/v1/tenants/acme'), 401, 'unauthorized');
  });
});

describe('PUT /v1/tenants/:name', () => {
  it('an operator token changes the settings and gets the tenant back', async () => {
    const res = await put(OPERATOR_AUTH, 'acme', {
      weight: 3,
      maxInFlight: 10,
      budget: { limitUsd: 500, period: 'month' },
      paused: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(TenantSchema.parse(res.json())).toMatchObject({
      name: 'acme',
      weight: 3,
      maxInFlight: 10,
      budget: { limitUsd: 500, period: 'month' },
      paused: true,
    });
    expect(await fx.producer.getTenant('acme')).toMatchObject({ weight: 3, paused: true });
    // Left out: kept; null: cleared.
    const cleared = await put(OPERATOR_AUTH, 'acme', { maxInFlight: null, budget: null });
    expect(cleared.json()).toMatchObject({ weight: 3, maxInFlight: null, budget: null, paused: true });
    // The tenant's own token then reads the change.
    expect((await get(ACME_AUTH, '/v1/tenants/acme')).json()).toMatchObject({ weight: 3 });
  });

  it('refuses every other token with 403 before reading the body, changing nothing', async () => {
    for (const headers of [ACME_AUTH, AUTH, { authorization: `Bearer ${TOKENS[1]}` }]) {
      expectProblem(await put(headers, 'acme', { weight: 5 }), 403, 'forbidden');
      // Not even parsed: a malformed body is still a 403, not a 400.
      const p = expectProblem(await put(headers, 'acme', '{not json'), 403, 'forbidden');
      expect(p.detail).toMatch(/operator token/);
    }
    expect((await fx.producer.getTenant('acme')).weight).toBe(1);
    expectProblem(await put({}, 'acme', { weight: 5 }), 401, 'unauthorized');
  });

  it('answers 422 naming each bad field, and changes nothing', async () => {
    const res = await put(OPERATOR_AUTH, 'acme', {
      weight: 0,
      maxInFlight: 'many',
      budget: { limitUsd: -1, period: 'week' },
      paused: 'yes',
      colour: 'red',
    });
    const p = expectProblem(res, 422, 'invalid-request');
    expect(p.code).toBe('REELAY_INVALID_REQUEST');
    expect((p.errors as Array<{ path: string }>).map((i) => i.path).sort()).toEqual([
      'budget.limitUsd',
      'budget.period',
      'colour',
      'maxInFlight',
      'paused',
      'weight',
    ]);
    expect(p.detail).toMatch(/^6 problems: /);
    expect(await fx.producer.getTenant('acme')).toMatchObject({ weight: 1, maxInFlight: null, budget: null });

    const badName = expectProblem(await put(OPERATOR_AUTH, 'a%20b', { weight: 7 }), 422, 'invalid-request');
    expect(badName.errors).toEqual([
      expect.objectContaining({ path: 'params.name', rule: 'invalid_format' }),
    ]);
    const notObject = expectProblem(await put(OPERATOR_AUTH, 'acme', [1]), 422, 'invalid-request');
    expect(notObject.errors).toEqual([{ path: '', rule: 'invalid_type', message: 'must be a JSON object' }]);
  });

  it('wants a JSON body: 415 for another content type, 400 for malformed JSON', async () => {
    expectProblem(await put(OPERATOR_AUTH, 'acme', 'weight=3', 'text/plain'), 415, 'unsupported-media-type');
    expectProblem(await put(OPERATOR_AUTH, 'acme', '{"weight":', 'application/json'), 400, 'malformed-json');
  });

  it('without auth (API_ALLOW_NO_AUTH) every caller is an operator', async () => {
    const open = createFixture({ tokens: [], allowNoAuth: true });
    try {
      const res = await open.app.inject({
        method: 'PUT',
        url: '/v1/tenants/acme',
        headers: { 'content-type': 'application/json' },
        payload: { weight: 2 },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'acme', weight: 2 });
    } finally {
      await open.close();
    }
  });
});

describe('budgets', () => {
  it('an enqueue over the tenant budget is a 402 with the numbers, and enqueues nothing', async () => {
    // validRequest is 5 s of 720P: an estimate of 0.50 USD at the default prices.
    await fx.producer.setTenant('acme', { budget: { limitUsd: 0.1, period: 'day' } });
    const refusal = {
      tenant: 'acme',
      limitUsd: 0.1,
      spentUsd: 0,
      reservedUsd: 0,
      requestedUsd: 0.5,
    };
    const p = expectProblem(await post(ACME_AUTH), 402, 'budget-exceeded');
    expect(p).toMatchObject({ code: 'REELAY_BUDGET_EXCEEDED', instance: '/v1/generations', ...refusal });
    expect(p.detail).toMatch(/tenant acme: 0\.50 USD more would exceed its budget of 0\.10 USD/);
    // The same from an operator token naming the tenant.
    expect(
      expectProblem(
        await post(OPERATOR_AUTH, { request: validRequest(), tenant: 'acme' }),
        402,
        'budget-exceeded',
      ),
    ).toMatchObject(refusal);
    expect(await fx.records()).toBe(0);
    expect(await fx.submitJobs()).toBe(0);
    // Other tenants are not held to it.
    expect((await post(AUTH)).statusCode).toBe(201);
  });

  it('counts what is reserved: the enqueue that would cross the limit is the one refused', async () => {
    await fx.producer.setTenant('acme', { budget: { limitUsd: 1.2, period: 'total' } });
    await created(ACME_AUTH);
    await created(ACME_AUTH);
    const p = expectProblem(await post(ACME_AUTH), 402, 'budget-exceeded');
    expect(p).toMatchObject({ limitUsd: 1.2, spentUsd: 0, reservedUsd: 1, requestedUsd: 0.5 });
    expect(await fx.records()).toBe(2);
  });
});
