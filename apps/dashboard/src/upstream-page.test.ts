import type { UpstreamPause } from '@reelay/core';
import { describe, expect, it } from 'vitest';
import { batchesPage, batchNotFoundPage } from './batches-page.ts';
import { findPage } from './find-page.ts';
import { tenantsPage } from './tenants-page.ts';
import {
  MAX_REASON_LENGTH,
  parseReason,
  upstreamBanner,
  upstreamFormPurpose,
  upstreamPage,
} from './upstream-page.ts';

const EVIL = '<script>alert(1)</script>"\'&';
const since = Date.UTC(2026, 11, 2, 9, 15, 0);
const auto: UpstreamPause = {
  reason: `Arrearage: the account is overdue ${EVIL}`,
  code: 'REELAY_UPSTREAM_ACCOUNT',
  since,
  by: 'auto',
};
const operator: UpstreamPause = {
  reason: 'provider maintenance',
  code: 'REELAY_UPSTREAM_PAUSED',
  since,
  by: 'operator',
};
const opts = {
  basePath: '/ops',
  token: (action: string) => `tok<${action}>`,
  now: Date.UTC(2026, 11, 2, 10, 0),
  nav: { tenants: true, batches: true },
};

describe('upstreamBanner', () => {
  it('is empty while the upstream is not paused', () => {
    expect(upstreamBanner(undefined, '/ops').value).toBe('');
  });

  it('says since when, by whom, the code and the reason, escaped, and links to the upstream page', () => {
    const banner = upstreamBanner(auto, '/ops').value;
    expect(banner).toContain('id="upstream-banner"');
    expect(banner).toContain('since 2026-12-02T09:15:00.000Z');
    expect(banner).toContain('automatically');
    expect(banner).toContain('<code>REELAY_UPSTREAM_ACCOUNT</code>');
    expect(banner).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(banner).not.toContain(EVIL);
    expect(banner).toContain('<a href="/ops/upstream">Upstream</a>');
    expect(upstreamBanner(operator, '').value).toContain('by an operator');
    expect(upstreamBanner(operator, '').value).toContain('<a href="/upstream">');
  });

  it('is the first thing in the body of every page of ours', () => {
    const pages = [
      findPage(undefined, '/ops', { upstream: true, upstreamPause: auto }),
      tenantsPage([], { ...opts, token: () => 't', upstreamPause: auto }),
      batchesPage([], { basePath: '/ops', nav: { tenants: true }, now: opts.now, upstreamPause: auto }),
      batchNotFoundPage('batch_x', { basePath: '/ops', nav: { tenants: true }, upstreamPause: auto }),
      upstreamPage(auto, opts),
    ];
    for (const page of pages) expect(page).toMatch(/<body><p id="upstream-banner"/);
    for (const page of [findPage(undefined, '/ops'), tenantsPage([], { ...opts, token: () => 't' })])
      expect(page).not.toContain('upstream-banner');
  });
});

describe('upstreamPage', () => {
  it('while not paused: says so, offers Pause with a reason and no Resume', () => {
    const page = upstreamPage(undefined, opts);
    expect(page).toContain('<h2 id="upstream-state">Not paused</h2>');
    expect(page).toContain('<form method="post" action="/ops/upstream/pause" class="reason">');
    expect(page).toContain(`name="reason" maxlength="${MAX_REASON_LENGTH}" required`);
    expect(page).toContain('<input type="hidden" name="csrf" value="tok&lt;pause&gt;">');
    expect(page).not.toContain('/ops/upstream/resume');
    expect(page).not.toContain('upstream-banner');
    expect(page).toContain('<a href="/ops/tenants">Tenants</a>');
    expect(page).toContain('<a href="/ops/batches">Batches</a>');
  });

  it('while paused: since, by, code and reason escaped, a Resume form, and what a probe does', () => {
    const page = upstreamPage(auto, opts);
    expect(page).toContain('<dd id="since">2026-12-02T09:15:00.000Z</dd>');
    expect(page).toContain('<dd id="by">auto</dd>');
    expect(page).toContain('<code id="code">REELAY_UPSTREAM_ACCOUNT</code>');
    expect(page).not.toContain(EVIL);
    expect(page).toContain('<form method="post" action="/ops/upstream/resume">');
    expect(page).toContain('value="tok&lt;resume&gt;"');
    expect(page).toContain('UPSTREAM_PAUSE_PROBE_MS');
    expect(upstreamPage(operator, opts)).toContain('never probed');
  });

  it('shows the notice a form post redirects back with', () => {
    expect(upstreamPage(operator, { ...opts, notice: 'paused' })).toContain(
      '<p id="notice" class="notice">Paused',
    );
    expect(upstreamPage(undefined, { ...opts, notice: 'resumed' })).toContain('Resumed the upstream');
    expect(upstreamPage(undefined, { ...opts, notice: 'not-paused' })).toContain('was not paused');
  });

  it('issues a token per action', () => {
    expect(upstreamFormPurpose('pause')).not.toBe(upstreamFormPurpose('resume'));
  });
});

describe('parseReason', () => {
  it('trims, and refuses an empty or too long reason', () => {
    expect(parseReason('  provider maintenance ')).toEqual({ ok: true, reason: 'provider maintenance' });
    expect(parseReason('x'.repeat(MAX_REASON_LENGTH))).toMatchObject({ ok: true });
    for (const bad of [undefined, '', '   ', 42, 'x'.repeat(MAX_REASON_LENGTH + 1)])
      expect(parseReason(bad).ok, String(bad)).toBe(false);
    expect(parseReason('x'.repeat(301))).toMatchObject({ problem: expect.stringContaining('at most 300') });
  });
});
