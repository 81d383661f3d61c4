import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, OK, PASSWORD, USER, useDashboard } from './test-dashboard.ts';

const f = useDashboard();
/** What a browser sends with a form posted from the dashboard's own page. */
const SAME_ORIGIN = { ...OK, 'sec-fetch-site': 'same-origin' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const EVIL = '<img src=x onerror=alert(1)>';

/** The action and hidden fields of the page's form posting to `…/upstream/<action>`. */
function formOf(
  page: string,
  action: 'pause' | 'resume',
): { action: string; fields: Record<string, string> } {
  const form = new RegExp(
    `<form method="post" action="([^"]*/upstream/${action})"[^>]*>([\\s\\S]*?)</form>`,
  ).exec(page);
  if (!form) throw new Error(`no ${action} form on the page`);
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

const page = async (url = '/upstream') => (await f.app.inject({ method: 'GET', url, headers: OK })).body;

describe('the upstream page', () => {
  afterEach(async () => {
    await f.producer.ops.upstream.resume();
  });

  it('pauses with a reason as an operator, and resumes, redirecting back with a notice', async () => {
    const before = await f.app.inject({ method: 'GET', url: '/upstream', headers: OK });
    expect(before.statusCode).toBe(200);
    expect(before.headers['content-security-policy']).toContain("form-action 'self'");
    expect(before.body).toContain('Not paused');
    expect(before.body).not.toContain('upstream-banner');
    expect((await f.app.inject({ method: 'GET', url: '/upstream.json', headers: OK })).json()).toEqual({
      paused: false,
    });

    const pause = formOf(before.body, 'pause');
    const paused = await post(f.app, pause.action, {
      ...pause.fields,
      reason: `  provider maintenance ${EVIL} `,
    });
    expect(paused.statusCode).toBe(303);
    expect(paused.headers.location).toBe('/upstream?done=paused');
    const stored = await f.producer.ops.upstream.get();
    expect(stored).toMatchObject({
      by: 'operator',
      code: 'REELAY_UPSTREAM_PAUSED',
      reason: `provider maintenance ${EVIL}`,
    });

    const after = await page(paused.headers.location as string);
    expect(after).toContain('<p id="notice" class="notice">Paused the upstream');
    expect(after).toContain('<dd id="by">operator</dd>');
    expect(after).toMatch(/<body><p id="upstream-banner"/);
    expect(after).not.toContain(EVIL);
    expect(after).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect((await f.app.inject({ method: 'GET', url: '/upstream.json', headers: OK })).json()).toEqual({
      paused: true,
      ...stored,
    });

    const resume = formOf(after, 'resume');
    const resumed = await post(f.app, resume.action, resume.fields);
    expect(resumed.statusCode).toBe(303);
    expect(resumed.headers.location).toBe('/upstream?done=resumed');
    expect(await f.producer.ops.upstream.get()).toBeUndefined();
    // Resuming again says it was not paused.
    const again = await post(f.app, resume.action, resume.fields);
    expect(again.headers.location).toBe('/upstream?done=not-paused');
  });

  it('makes an automatic pause an operator’s, which no probe ends', async () => {
    await f.producer.ops.upstream.pause({ by: 'auto', code: 'REELAY_UPSTREAM_ACCOUNT', reason: 'Arrearage' });
    const body = await page();
    expect(body).toContain('<dd id="by">auto</dd>');
    const pause = formOf(body, 'pause');
    expect(
      (await post(f.app, pause.action, { ...pause.fields, reason: 'until the invoice is paid' })).statusCode,
    ).toBe(303);
    expect(await f.producer.ops.upstream.get()).toMatchObject({
      by: 'operator',
      reason: 'until the invoice is paid',
    });
  });

  it('refuses an empty or too long reason, forged, cross-site and unauthenticated posts, and changes nothing', async () => {
    const body = await page();
    const { action, fields } = formOf(body, 'pause');
    const cases: Array<[string, Record<string, string>, Record<string, string>, number, string]> = [
      ['no reason', fields, SAME_ORIGIN, 400, 'reason'],
      ['a blank reason', { ...fields, reason: '   ' }, SAME_ORIGIN, 400, 'reason'],
      ['a reason too long', { ...fields, reason: 'x'.repeat(301) }, SAME_ORIGIN, 400, 'at most 300'],
      [
        'no credentials',
        { ...fields, reason: 'r' },
        { 'sec-fetch-site': 'same-origin' },
        401,
        'authentication',
      ],
      [
        'wrong password',
        { ...fields, reason: 'r' },
        { authorization: basic(USER, 'nope') },
        401,
        'authentication',
      ],
      [
        'from another site',
        { ...fields, reason: 'r' },
        { ...OK, 'sec-fetch-site': 'cross-site' },
        403,
        'another site',
      ],
      [
        'foreign Origin',
        { ...fields, reason: 'r' },
        { ...OK, origin: 'https://evil.example', host: 'ops.example' },
        403,
        'Origin',
      ],
      ['no token', { reason: 'r' }, SAME_ORIGIN, 403, 'form token'],
      ['a wrong token', { reason: 'r', csrf: 'x'.repeat(43) }, SAME_ORIGIN, 403, 'form token'],
    ];
    for (const [what, form, headers, status, text] of cases) {
      const res = await post(f.app, action, form, headers);
      expect(res.statusCode, what).toBe(status);
      expect(res.body, what).toContain(text);
    }
    expect(await f.producer.ops.upstream.get()).toBeUndefined();

    // The resume token does not pause, the pause token does not resume, and there is no third action.
    await f.producer.ops.upstream.pause({ by: 'operator', code: 'REELAY_UPSTREAM_PAUSED', reason: 'keep' });
    const resume = formOf(await page(), 'resume');
    expect((await post(f.app, '/upstream/pause', { ...resume.fields, reason: 'r' })).statusCode).toBe(403);
    expect((await post(f.app, '/upstream/resume', fields)).statusCode).toBe(403);
    expect(
      (await post(f.app, '/upstream/resume', resume.fields, { ...OK, 'sec-fetch-site': 'cross-site' }))
        .statusCode,
    ).toBe(403);
    expect((await post(f.app, '/upstream/delete', resume.fields)).statusCode).toBe(404);
    expect(await f.producer.ops.upstream.get()).toMatchObject({ by: 'operator', reason: 'keep' });
  });

  it('shows the banner on the find, tenants and batches pages while paused, and not after', async () => {
    await f.producer.ops.upstream.pause({
      by: 'auto',
      code: 'REELAY_UPSTREAM_ACCOUNT',
      reason: `no balance ${EVIL}`,
    });
    for (const url of ['/find', '/find?q=gen_nothing', '/tenants', '/batches', '/batches/batch_nothing']) {
      const body = await page(url);
      expect(body, url).toMatch(/<body><p id="upstream-banner"/);
      expect(body, url).toContain('<code>REELAY_UPSTREAM_ACCOUNT</code>');
      expect(body, url).toContain('no balance &lt;img src=x onerror=alert(1)&gt;');
      expect(body, url).not.toContain(EVIL);
      expect(body, url).toContain('<a href="/upstream">Upstream</a>');
    }
    await f.producer.ops.upstream.resume();
    for (const url of ['/find', '/tenants', '/batches'])
      expect(await page(url), url).not.toContain('upstream-banner');
  });

  it('serves the page, its banner link and its forms under a base path', async () => {
    const nested = f.dashboard({ kind: 'basic', user: USER, password: PASSWORD }, '/ops');
    try {
      const body = (await nested.inject({ method: 'GET', url: '/ops/upstream', headers: OK })).body;
      expect(body).toContain('<a href="/ops/find">Find a generation</a>');
      const { action, fields } = formOf(body, 'pause');
      expect(action).toBe('/ops/upstream/pause');
      const res = await post(nested, action, { ...fields, reason: 'nested' });
      expect(res.headers.location).toBe('/ops/upstream?done=paused');
      const tenants = (await nested.inject({ method: 'GET', url: '/ops/tenants', headers: OK })).body;
      expect(tenants).toContain('<a href="/ops/upstream">Upstream</a>');
      // Tokens are per dashboard: the root dashboard refuses this one's.
      expect((await post(f.app, '/upstream/pause', { ...fields, reason: 'r' })).statusCode).toBe(403);
      expect((await nested.inject({ method: 'GET', url: '/ops/upstream' })).statusCode).toBe(401);
    } finally {
      await nested.close();
    }
  });
});
