import { describe, expect, it } from 'vitest';
import {
  type BatchSummary,
  type BatchView,
  batchesPage,
  batchNotFoundPage,
  batchPage,
  batchRetryPurpose,
  progressBar,
} from './batches-page.ts';

const ID = 'bat_01jd8x3k4m5n6p7q8r9s0t1v2w';
const batch = (
  over: Partial<BatchSummary> = {},
  counts: Partial<BatchSummary['counts']> = {},
): BatchSummary => ({
  id: ID,
  tenant: 'acme',
  state: 'in_progress',
  created: Date.UTC(2026, 11, 2, 18, 0),
  costUsd: { estimated: 1.2, actual: 0.5 },
  round: 0,
  wantsCompleted: false,
  ...over,
  counts: {
    total: 4,
    queued: 0,
    submitting: 0,
    running: 0,
    copying: 0,
    succeeded: 0,
    failed: 0,
    canceled: 0,
    ...counts,
  },
});
const view = (b: BatchSummary, over: Partial<BatchView> = {}): BatchView => ({
  batch: b,
  members: { items: [] },
  attempts: [],
  ...over,
});
const opts = {
  basePath: '/ops',
  nav: { tenants: true },
  token: (id: string) => `tok<${id}>`,
};

describe('progressBar', () => {
  it('has one segment per state with members, as wide as its share', () => {
    const bar = progressBar(batch({}, { queued: 1, running: 1, succeeded: 2 }).counts).value;
    expect(bar).toBe(
      '<div class="bar" role="img" aria-label="2 of 4 ended">' +
        '<span class="state-queued" style="width: 25.00%" title="queued: 1"></span>' +
        '<span class="state-running" style="width: 25.00%" title="running: 1"></span>' +
        '<span class="state-succeeded" style="width: 50.00%" title="succeeded: 2"></span></div>',
    );
  });
});

describe('batchesPage', () => {
  it('lists each batch with its tenant, state, progress and created time, linking to its page', () => {
    const page = batchesPage(
      [batch({}, { queued: 1, succeeded: 3 }), batch({ id: 'bat_x', state: 'canceled' }, { canceled: 4 })],
      { basePath: '/ops', nav: { tenants: true }, now: Date.UTC(2026, 11, 2, 19, 0) },
    );
    const row = page.slice(
      page.indexOf(`id="batch-${ID}"`),
      page.indexOf('</tr>', page.indexOf(`id="batch-${ID}"`)),
    );
    expect(row).toContain(`<a href="/ops/batches/${ID}"><code>${ID}</code></a>`);
    expect(row).toContain('<td data-field="tenant">acme</td>');
    expect(row).toContain('<span class="state batch-in_progress">in_progress</span>');
    expect(row).toContain('<td class="num" data-field="ended">3 / 4</td>');
    expect(row).toContain('2026-12-02T18:00:00.000Z');
    expect(page).toContain('<span class="state batch-canceled">canceled</span>');
    expect(page).toContain('<a href="/ops/tenants">Tenants</a>');
    expect(page).toContain('<a href="/ops/find">Find a generation</a>');
    expect(page).not.toContain('<a href="/ops/batches">Batches</a>');
  });

  it('says so when there are none', () => {
    expect(batchesPage([], { basePath: '', nav: { tenants: false }, now: 0 })).toContain('id="no-batches"');
  });
});

describe('batchPage', () => {
  it('shows counts per state, cost, round, results file, delivery and members linking to the find page', () => {
    const b = batch(
      {
        state: 'completed',
        round: 1,
        completed: Date.UTC(2026, 11, 2, 18, 5),
        manifest: { bucket: 'videos', key: 'reelay/batches/x.jsonl' },
        wantsCompleted: true,
        delivery: 'delivered',
      },
      { succeeded: 3, failed: 1 },
    );
    const page = batchPage(
      view(b, {
        members: {
          items: [
            { id: 'gen_a', state: 'succeeded' },
            { id: 'gen_b', state: 'failed' },
          ],
          cursor: '102',
        },
        cursor: '100',
        attempts: [{ attempt: 1, at: Date.UTC(2026, 11, 2, 18, 6), status: 200, latencyMs: 12, round: 1 }],
      }),
      opts,
    );
    expect(page).toContain(
      `<code id="batch-id">${ID}</code> <span id="state" class="state batch-completed">completed</span>`,
    );
    expect(page).toContain('<td class="num" data-state="succeeded">3</td>');
    expect(page).toContain('<td class="num" data-state="failed">1</td>');
    expect(page).toContain('<td class="num" data-state="total">4</td>');
    expect(page).toContain('<span id="round">1</span>');
    expect(page).toContain('actual 0.50 USD, estimated 1.20 USD');
    expect(page).toContain('bucket <code>videos</code>, key <code>reelay/batches/x.jsonl</code>');
    expect(page).toContain('<span id="delivery-state" class="delivery delivery-delivered">delivered</span>');
    expect(page).toContain('<td>1</td><td>1</td><td>2026-12-02T18:06:00.000Z</td><td>200</td>');
    expect(page).toContain('Members 101–102 of 4');
    expect(page).toContain('<td>100</td><td><a href="/ops/find?q=gen_a"><code>gen_a</code></a></td>');
    expect(page).toContain(`<a id="next-page" href="/ops/batches/${ID}?cursor=102">Next page</a>`);
    expect(page).toContain(`<a id="first-page" href="/ops/batches/${ID}">First page</a>`);
    expect(page).toContain(`<form method="post" action="/ops/batches/${ID}/retry-failed">`);
    expect(page).toContain(`<input type="hidden" name="csrf" value="tok&lt;${ID}&gt;">`);
    expect(page).toContain('<a href="/ops/batches">Batches</a>');
  });

  it('says what it waits for before the results file and batch.completed', () => {
    const page = batchPage(view(batch({ wantsCompleted: true }, { queued: 4 })), opts);
    expect(page).toContain('written once every member has ended');
    expect(page).toContain('not yet (sent once the results file is written)');
    expect(page).toContain('No attempts yet.');
    expect(page).not.toContain('id="next-page"');
    expect(page).not.toContain('id="first-page"');
    expect(batchPage(view(batch()), opts)).toContain('Not sent: the batch has no webhook target');
  });

  it('shows what a retry did', () => {
    const page = batchPage(view(batch()), {
      ...opts,
      retry: { retried: ['gen_a'], skipped: [{ id: 'gen_b', reason: 'UPSTREAM_FAILED: not resumable' }] },
    });
    expect(page).toContain('Retried 1 failed member, skipped 1');
    expect(page).toContain('<li><a href="/ops/find?q=gen_a"><code>gen_a</code></a></li>');
    expect(page).toContain('<code>gen_b</code></a>: UPSTREAM_FAILED: not resumable</li>');
    expect(batchPage(view(batch()), { ...opts, retry: { retried: [], skipped: [] } })).toContain(
      'No member had failed.',
    );
  });

  it('escapes every value', () => {
    const evil = '"><script>alert(1)</script>';
    const page = batchPage(
      view(
        batch({
          tenant: evil,
          idempotencyKey: evil,
          metadata: { x: evil },
          webhook: { url: `https://h.example/${evil}` },
          manifest: { bucket: evil, key: evil },
          state: 'completed',
          wantsCompleted: true,
          delivery: 'exhausted',
        }),
        {
          members: { items: [{ id: evil, state: 'queued' }] },
          attempts: [{ attempt: 1, at: 0, error: evil, latencyMs: 1 }],
        },
      ),
      { ...opts, basePath: `/o${evil}`, retry: { retried: [evil], skipped: [{ id: evil, reason: evil }] } },
    );
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    const list = batchesPage([batch({ tenant: evil, id: evil })], {
      basePath: evil,
      nav: { tenants: false },
      now: 0,
    });
    expect(list).not.toContain('<script>alert');
    expect(batchNotFoundPage(evil, { basePath: '', nav: { tenants: false } })).not.toContain('<script>alert');
  });

  it('names the form purpose per batch', () => {
    expect(batchRetryPurpose(ID)).toBe(`batch-retry-failed:${ID}`);
  });
});
