import type { Tenant } from '@reelay/contracts';
import { recordKeys } from '@reelay/core';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { basic, OK, PASSWORD, REDIS_URL, USER, useDashboard } from './test-dashboard.ts';

const f = useDashboard();
/** What a browser sends with a form posted from the dashboard's own page. */
const SAME_ORIGIN = { ...OK, 'sec-fetch-site': 'same-origin' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The hidden fields of the form on `tenant`'s row. */
function formOf(page: string, tenant: string): { action: string; fields: Record<string, string> } {
  const row = page.slice(page.indexOf(`id="tenant-${tenant}"`));
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(row);
  if (!form) throw new Error(`no form on ${tenant}'s row`);
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

describe('the tenants page', () => {
  let queuedId: string;
  beforeAll(async () => {
    await f.producer.setTenant('acme', {
      weight: 3,
      maxInFlight: 5,
      budget: { limitUsd: 250, period: 'month' },
    });
    await f.producer.setTenant('beta', { paused: true });
    ({ id: queuedId } = await f.producer.enqueue(
      { input: { prompt: 'a cat', media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] } },
      { tenant: 'beta' },
    ));
  });

  it('lists every tenant with its usage and settings, escaped, under a strict policy', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/tenants', headers: OK });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("form-action 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
    const acme = res.body.slice(res.body.indexOf('id="tenant-acme"'));
    expect(acme).toContain('data-field="weight">3</td>');
    expect(acme).toContain('data-field="cap">5</td>');
    expect(acme).toContain('0.00 / 250.00 USD per UTC month (0%)');
    expect(acme).toContain('data-field="paused">no</td>');
    const beta = res.body.slice(res.body.indexOf('id="tenant-beta"'));
    // Paused: its generation waits in its queue, holding its estimate against the tenant.
    const stored = await f.producer.getTenant('beta');
    expect(stored.usage.queued).toBe(1);
    expect(beta).toContain('data-field="queued">1</td>');
    expect(beta).toContain('data-field="in-flight">0</td>');
    expect(beta).toContain(`+ ${stored.usage.reservedUsd.toFixed(2)} reserved`);
    expect(beta).toContain('<span class="paused">paused</span>');
    expect(formOf(res.body, 'beta').action).toBe('/tenants/resume');
    expect(formOf(res.body, 'acme').action).toBe('/tenants/pause');
    expect(queuedId).toMatch(/^gen_/);

    const json = await f.app.inject({ method: 'GET', url: '/tenants.json', headers: OK });
    const listed = (json.json() as { tenants: Tenant[] }).tenants;
    expect(listed.map((t) => t.name)).toEqual(['acme', 'beta']);
    expect(listed[1]).toEqual(stored);
  });

  it('escapes a tenant name that did not come through the producer', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const redis = new Redis(REDIS_URL);
    try {
      await redis.sadd(recordKeys(f.prefix).tenants, evil);
      const res = await f.app.inject({ method: 'GET', url: '/tenants', headers: OK });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(evil);
      expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
      // Its form posts a name the contract refuses: 400, nothing stored.
      const { action, fields } = formOf(res.body, '&lt;img src=x onerror=alert(1)&gt;');
      const refused = await post(f.app, action, { ...fields, tenant: evil });
      expect(refused.statusCode).toBe(400);
    } finally {
      await redis.srem(recordKeys(f.prefix).tenants, evil);
      redis.disconnect();
    }
  });

  it('pauses and resumes a tenant with its form, redirecting back with a notice', async () => {
    const page = await f.app.inject({ method: 'GET', url: '/tenants', headers: OK });
    const pause = formOf(page.body, 'acme');
    const paused = await post(f.app, pause.action, pause.fields);
    expect(paused.statusCode).toBe(303);
    expect(paused.headers.location).toBe('/tenants?done=pause&tenant=acme');
    expect(await f.producer.getTenant('acme')).toMatchObject({ paused: true, weight: 3, maxInFlight: 5 });

    const after = await f.app.inject({ method: 'GET', url: paused.headers.location as string, headers: OK });
    expect(after.body).toContain('Paused <strong>acme</strong>');
    const resume = formOf(after.body, 'acme');
    expect(resume.action).toBe('/tenants/resume');
    const resumed = await post(f.app, resume.action, resume.fields);
    expect(resumed.statusCode).toBe(303);
    expect(await f.producer.getTenant('acme')).toMatchObject({ paused: false, weight: 3 });

    // A tenant paused from elsewhere (here: the producer) resumes from its row too.
    const beta = formOf(after.body, 'beta');
    expect(beta.action).toBe('/tenants/resume');
    expect((await post(f.app, beta.action, beta.fields)).statusCode).toBe(303);
    expect((await f.producer.getTenant('beta')).paused).toBe(false);
  });

  it('refuses forged, cross-site and unauthenticated posts, and changes nothing', async () => {
    const page = await f.app.inject({ method: 'GET', url: '/tenants', headers: OK });
    const { action, fields } = formOf(page.body, 'acme');
    const otherToken = formOf(page.body, 'beta').fields.csrf!;
    const before = await f.producer.getTenant('acme');
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
      ['no token', { tenant: 'acme' }, SAME_ORIGIN, 403, 'form token'],
      ['a wrong token', { ...fields, csrf: 'x'.repeat(43) }, SAME_ORIGIN, 403, 'form token'],
      ["another tenant's token", { ...fields, csrf: otherToken }, SAME_ORIGIN, 403, 'form token'],
    ];
    for (const [what, body, headers, status, text] of cases) {
      const res = await post(f.app, action, body, headers);
      expect(res.statusCode, what).toBe(status);
      expect(res.body, what).toContain(text);
    }
    // The pause token does not resume, and there is no third action.
    expect((await post(f.app, '/tenants/resume', fields)).statusCode).toBe(403);
    expect((await post(f.app, '/tenants/delete', fields)).statusCode).toBe(404);
    expect(await f.producer.getTenant('acme')).toEqual(before);
    expect(before.paused).toBe(false);
    // A post no browser made (no Sec-Fetch-Site, no Origin) with the page's token goes through.
    expect((await post(f.app, action, fields, OK)).statusCode).toBe(303);
    expect((await f.producer.getTenant('acme')).paused).toBe(true);
    await f.producer.setTenant('acme', { paused: false });
  });

  it('serves the page, its links and its forms under a base path', async () => {
    const nested = f.dashboard({ kind: 'basic', user: USER, password: PASSWORD }, '/ops');
    try {
      const page = await nested.inject({ method: 'GET', url: '/ops/tenants', headers: OK });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<a href="/ops/find">Find a generation</a>');
      const { action, fields } = formOf(page.body, 'acme');
      expect(action).toBe('/ops/tenants/pause');
      const res = await post(nested, action, fields);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/ops/tenants?done=pause&tenant=acme');
      expect((await f.producer.getTenant('acme')).paused).toBe(true);
      // Tokens are per dashboard: the root dashboard's secret is not this one's.
      expect(
        (
          await post(
            f.app,
            '/tenants/resume',
            formOf((await nested.inject({ method: 'GET', url: '/ops/tenants', headers: OK })).body, 'acme')
              .fields,
          )
        ).statusCode,
      ).toBe(403);
      const find = await nested.inject({ method: 'GET', url: '/ops/find', headers: OK });
      expect(find.body).toContain('<a href="/ops/tenants">Tenants</a>');
      expect((await nested.inject({ method: 'GET', url: '/ops/tenants' })).statusCode).toBe(401);
    } finally {
      await nested.close();
      await f.producer.setTenant('acme', { paused: false });
    }
  });
});
