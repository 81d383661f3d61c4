import type { Batch } from '@reelay/contracts';
import { recordKeys } from '@reelay/core';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { basic, OK, PASSWORD, REDIS_URL, SECRETS, USER, useDashboard } from './test-dashboard.ts';

const f = useDashboard();
/** What a browser sends with a form posted from the dashboard's own page. */
const SAME_ORIGIN = { ...OK, 'sec-fetch-site': 'same-origin' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const IMG = 'https://example.com/cat.png';
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    request: { input: { prompt: `item ${i}`, media: [{ type: 'first_frame', url: IMG }] } },
  }));

/** The retry form on a batch page. */
function retryForm(page: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(page);
  if (!form) throw new Error('no retry form on the page');
  const fields = Object.fromEntries(
    [...form[2]!.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]),
  );
  return { action: form[1]!, fields };
}

async function post(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = SAME_ORIGIN,
) {
  return app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

describe('the batch pages', () => {
  let small: string;
  let big: string;
  let members: string[];
  beforeAll(async () => {
    ({ id: small } = await f.producer.createBatch(items(3), {
      tenant: 'acme',
      metadata: { run: 'nightly' },
      // A token in the target's URL must not reach a page.
      webhook: { url: 'https://hooks.example.com/b?token=TOKX' },
    }));
    ({ id: big } = await f.producer.createBatch(items(102)));
    members = (await f.producer.listBatchGenerations(small))!.items.map((m) => m.id);
  });

  it('lists the recent batches, each linking to its page; the other pages link here', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/batches', headers: OK });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain(`id="batch-${big}"`);
    const row = res.body.slice(res.body.indexOf(`id="batch-${small}"`));
    expect(row).toContain(`<a href="/batches/${small}">`);
    expect(row).toContain('<td data-field="tenant">acme</td>');
    expect(row).toContain('<td class="num" data-field="ended">0 / 3</td>');

    const json = await f.app.inject({ method: 'GET', url: '/batches.json', headers: OK });
    const listed = (json.json() as { batches: Batch[] }).batches;
    expect(listed.map((b) => b.id).sort()).toEqual([big, small].sort());
    expect(listed[0]!.created).toBeGreaterThanOrEqual(listed[1]!.created);
    for (const url of ['/find', '/tenants']) {
      const page = await f.app.inject({ method: 'GET', url, headers: OK });
      expect(page.body, url).toContain('<a href="/batches">Batches</a>');
    }
    expect((await f.app.inject({ method: 'GET', url: '/batches' })).statusCode).toBe(401);
  });

  it('shows a batch: counts, cost, round, members linking to the find page, redacted', async () => {
    const res = await f.app.inject({ method: 'GET', url: `/batches/${small}`, headers: OK });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<span id="state" class="state batch-in_progress">in_progress</span>`);
    expect(res.body).toContain('<td class="num" data-state="queued">3</td>');
    expect(res.body).toContain('<td class="num" data-state="total">3</td>');
    expect(res.body).toContain('<span id="round">0</span>');
    expect(res.body).toContain('written once every member has ended');
    expect(res.body).toContain('not yet (sent once the results file is written)');
    for (const id of members) expect(res.body).toContain(`<a href="/find?q=${id}"><code>${id}</code></a>`);
    for (const secret of SECRETS) expect(res.body).not.toContain(secret);
    expect(res.body).toContain('https://hooks.example.com/b');

    const json = await f.app.inject({ method: 'GET', url: `/batches/${small}.json`, headers: OK });
    expect(json.statusCode).toBe(200);
    const body = json.json() as {
      batch: Batch;
      delivery: { wanted: boolean; attempts: unknown[] };
      members: { items: Array<{ id: string }> };
    };
    const stored = await f.producer.getBatch(small);
    expect(body.batch).toMatchObject({ ...stored, webhook: { url: expect.not.stringContaining('TOKX') } });
    expect(body.delivery).toEqual({ wanted: true, attempts: [] });
    expect(body.members.items.map((m) => m.id)).toEqual(members);
    expect(json.body).not.toContain('TOKX');
  });

  it('pages through the members with ?cursor=', async () => {
    const first = await f.app.inject({ method: 'GET', url: `/batches/${big}`, headers: OK });
    expect(first.body).toContain('Members 1–100 of 102');
    expect(first.body.match(/data-member=/g)).toHaveLength(100);
    const next = /<a id="next-page" href="([^"]+)">/.exec(first.body)![1]!;
    expect(next).toBe(`/batches/${big}?cursor=100`);
    const second = await f.app.inject({ method: 'GET', url: next, headers: OK });
    expect(second.body).toContain('Members 101–102 of 102');
    expect(second.body.match(/data-member=/g)).toHaveLength(2);
    expect(second.body).not.toContain('id="next-page"');
    const all = (await f.producer.listBatchGenerations(big, { limit: 1000 }))!.items.map((m) => m.id);
    expect(second.body).toContain(`data-member="${all[101]}"`);
    const json = await f.app.inject({ method: 'GET', url: `/batches/${big}.json?cursor=100`, headers: OK });
    expect((json.json() as { members: { items: unknown[] } }).members.items).toHaveLength(2);
  });

  it('answers 404 for an unknown or malformed batch id, and 400 for a bad cursor', async () => {
    for (const id of ['bat_00000000000000000000000000', 'nope', '<b>x</b>']) {
      const res = await f.app.inject({
        method: 'GET',
        url: `/batches/${encodeURIComponent(id)}`,
        headers: OK,
      });
      expect(res.statusCode, id).toBe(404);
      expect(res.body).toContain('id="not-found"');
      expect(res.body).not.toContain('<b>x</b>');
      const json = await f.app.inject({
        method: 'GET',
        url: `/batches/${encodeURIComponent(id)}.json`,
        headers: OK,
      });
      expect(json.statusCode, id).toBe(404);
      expect(json.json()).toMatchObject({ error: 'not_found' });
    }
    const bad = await f.app.inject({ method: 'GET', url: `/batches/${small}?cursor=-1`, headers: OK });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('cursor: must be a cursor from a previous page');
  });

  it('retries failed members from the form and says what was retried and skipped', async () => {
    const page = await f.app.inject({ method: 'GET', url: `/batches/${small}`, headers: OK });
    const { action, fields } = retryForm(page.body);
    expect(action).toBe(`/batches/${small}/retry-failed`);
    const nothing = await post(f.app, action, fields);
    expect(nothing.statusCode).toBe(200);
    expect(nothing.body).toContain('Retried 0 failed members, skipped 0');
    expect(nothing.body).toContain('No member had failed.');

    // A member that failed with no failure recorded: not resumable, so skipped and named.
    // ('s' is the record's state field, core's record-codec.ts.)
    const redis = new Redis(REDIS_URL);
    try {
      await redis.hset(recordKeys(f.prefix).record(members[1]!), 's', 'failed');
    } finally {
      redis.disconnect();
    }
    const res = await post(f.app, action, fields);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Retried 0 failed members, skipped 1');
    expect(res.body).toContain(`<code>${members[1]}</code></a>: failed: not resumable</li>`);
  });

  it('refuses forged, cross-site and unauthenticated retries', async () => {
    const page = await f.app.inject({ method: 'GET', url: `/batches/${small}`, headers: OK });
    const { action, fields } = retryForm(page.body);
    const other = retryForm(
      (await f.app.inject({ method: 'GET', url: `/batches/${big}`, headers: OK })).body,
    );
    const cases: Array<[string, Record<string, string>, Record<string, string>, number, string]> = [
      ['no credentials', fields, { 'sec-fetch-site': 'same-origin' }, 401, 'authentication required'],
      ['wrong password', fields, { authorization: basic(USER, 'nope') }, 401, 'authentication required'],
      ['from another site', fields, { ...OK, 'sec-fetch-site': 'cross-site' }, 403, 'another site'],
      [
        'foreign Origin',
        fields,
        { ...OK, origin: 'https://evil.example', host: 'ops.example' },
        403,
        'Origin',
      ],
      ['no token', {}, SAME_ORIGIN, 403, 'form token'],
      ["another batch's token", other.fields, SAME_ORIGIN, 403, 'form token'],
    ];
    for (const [what, body, headers, status, text] of cases) {
      const res = await post(f.app, action, body, headers);
      expect(res.statusCode, what).toBe(status);
      expect(res.body, what).toContain(text);
    }
    // A page served under a base path posts under it, with its own dashboard's tokens.
    const nested = f.dashboard({ kind: 'basic', user: USER, password: PASSWORD }, '/ops');
    try {
      const form = retryForm(
        (await nested.inject({ method: 'GET', url: `/ops/batches/${small}`, headers: OK })).body,
      );
      expect(form.action).toBe(`/ops/batches/${small}/retry-failed`);
      expect((await post(nested, form.action, form.fields)).statusCode).toBe(200);
      expect((await post(f.app, action, form.fields)).statusCode).toBe(403);
      const list = await nested.inject({ method: 'GET', url: '/ops/batches', headers: OK });
      expect(list.body).toContain(`<a href="/ops/batches/${small}">`);
    } finally {
      await nested.close();
    }
  });
});
