import {
  type Batch,
  type BatchCounts,
  type BatchGenerationsPage,
  type DeliveryAttempt,
  type DeliveryState,
  GENERATION_STATES,
  TERMINAL_STATES,
} from '@reelay/contracts';
import type { UpstreamPause } from '@reelay/core';
import { duration, time } from './generation-view.ts';
import { html, type SafeHtml } from './html.ts';
import { boardUrls } from './job-links.ts';
import { layout, pageNav } from './page-layout.ts';
import { formatUsd } from './tenants-page.ts';
import { upstreamBanner } from './upstream-page.ts';

/** Which of the other pages the nav links to. */
export type NavPages = { tenants: boolean; upstream?: boolean };

/** A batch with the delivery bookkeeping the pages show (the store's BatchRecord, redacted). */
export type BatchSummary = Batch & { wantsCompleted: boolean; delivery?: DeliveryState };

/** What "Retry failed members" did (producer.ops.retryFailedMembers). */
export type RetryOutcome = { retried: string[]; skipped: Array<{ id: string; reason: string }> };

export type BatchView = {
  batch: BatchSummary;
  /** One page of members; `cursor` is where this page starts (absent on the first). */
  members: BatchGenerationsPage;
  cursor?: string;
  /** batch.completed's delivery attempts, newest last. */
  attempts: Array<DeliveryAttempt & { round?: number }>;
};

export type BatchPageOptions = {
  basePath: string;
  nav: NavPages;
  /** The form token for "Retry failed members" on this batch (form-guard.ts). */
  token(batchId: string): string;
  /** Shown after the retry form was posted. */
  retry?: RetryOutcome;
  /** The upstream pause, when paused: the banner at the top. */
  upstreamPause?: UpstreamPause;
};

/** The purpose a form token is issued for: retrying one batch's failed members. */
export const batchRetryPurpose = (batchId: string) => `batch-retry-failed:${batchId}`;

const nav = (basePath: string, pages: NavPages, batches: boolean) =>
  pageNav(basePath, { tenants: pages.tenants, find: true, batches, upstream: pages.upstream ?? false });

export function endedOf(counts: BatchCounts): number {
  let n = 0;
  for (const s of TERMINAL_STATES) n += counts[s];
  return n;
}

/** A bar with one segment per state that has members, as wide as its share; counts in the titles. */
export function progressBar(counts: BatchCounts): SafeHtml {
  const total = counts.total;
  const segments = GENERATION_STATES.filter((s) => counts[s] > 0).map((s) => {
    const pct = total > 0 ? ((counts[s] / total) * 100).toFixed(2) : '0';
    return html`<span class="state-${s}" style="width: ${pct}%" title="${s}: ${counts[s]}"></span>`;
  });
  return html`<div class="bar" role="img" aria-label="${endedOf(counts)} of ${total} ended">${segments}</div>`;
}

/** `<base>/batches`: the most recent batches, newest first. */
export function batchesPage(
  batches: BatchSummary[],
  opts: { basePath: string; nav: NavPages; now: number; upstreamPause?: UpstreamPause },
): string {
  const body = batches.length
    ? html`
<table id="batches" class="batches"><thead><tr>
  <th>Batch</th><th>Tenant</th><th>State</th><th>Progress</th><th class="num">Ended</th><th>Created</th>
</tr></thead><tbody>
${batches.map(
  (b) => html`<tr id="batch-${b.id}">
<td><a href="${boardUrls.batch(opts.basePath, b.id)}"><code>${b.id}</code></a></td>
<td data-field="tenant">${b.tenant}</td>
<td data-field="state"><span class="state batch-${b.state}">${b.state}</span></td>
<td data-field="progress">${progressBar(b.counts)}</td>
<td class="num" data-field="ended">${endedOf(b.counts)} / ${b.counts.total}</td>
<td data-field="created">${time(b.created)}</td>
</tr>`,
)}
</tbody></table>`
    : html`<p id="no-batches" class="notice">No batches yet. A batch appears when one is created (<code>reelay batch create</code>, <code>producer.createBatch</code>).</p>`;
  return layout(
    'Batches',
    html`
<header>
  <h1>Reelay · batches</h1>
  ${nav(opts.basePath, opts.nav, false)}
</header>
<main><section>${body}
<p class="hint">Read at ${new Date(opts.now).toISOString()}. The most recent batches, newest first; a batch is kept as long as its members' records.</p>
</section></main>`,
    upstreamBanner(opts.upstreamPause, opts.basePath),
  );
}

/** `<base>/batches/:id`: progress, cost, results file, batch.completed, members, and the retry form. */
export function batchPage(view: BatchView, opts: BatchPageOptions): string {
  const b = view.batch;
  return layout(
    `${b.id} · batch`,
    html`
<header>
  <h1>Reelay · batch</h1>
  ${nav(opts.basePath, opts.nav, true)}
</header>
<main>
${opts.retry ? retryView(opts.retry, opts.basePath) : ''}
<section class="head">
  <h2><code id="batch-id">${b.id}</code> <span id="state" class="state batch-${b.state}">${b.state}</span></h2>
</section>
${progressView(b)}
${summaryView(b)}
${deliveryView(b, view.attempts)}
${retryForm(b, opts)}
${membersView(view, opts.basePath)}
</main>`,
    upstreamBanner(opts.upstreamPause, opts.basePath),
  );
}

export function batchNotFoundPage(
  id: string,
  opts: { basePath: string; nav: NavPages; upstreamPause?: UpstreamPause },
): string {
  return layout(
    'No such batch',
    html`
<header>
  <h1>Reelay · batch</h1>
  ${nav(opts.basePath, opts.nav, true)}
</header>
<main><p id="not-found" class="notice">No batch has the id <code>${id}</code>. It may have expired with its members' records; see the <a href="${boardUrls.batches(opts.basePath)}">recent batches</a>.</p></main>`,
    upstreamBanner(opts.upstreamPause, opts.basePath),
  );
}

function progressView(b: Batch): SafeHtml {
  const ended = endedOf(b.counts);
  return html`
<section id="progress"><h3>Progress: ${ended} of ${b.counts.total} ended</h3>
${progressBar(b.counts)}
<table class="counts"><thead><tr>${GENERATION_STATES.map((s) => html`<th>${s}</th>`)}<th>total</th></tr></thead>
<tbody><tr>${GENERATION_STATES.map(
    (s) => html`<td class="num" data-state="${s}">${b.counts[s]}</td>`,
  )}<td class="num" data-state="total">${b.counts.total}</td></tr></tbody></table>
</section>`;
}

function summaryView(b: BatchSummary): SafeHtml {
  const rows: Array<[string, string | SafeHtml | undefined]> = [
    ['Tenant', html`<span id="tenant">${b.tenant}</span>`],
    ['Round', html`<span id="round">${b.round}</span>`],
    [
      'Cost',
      html`<span id="cost">actual ${formatUsd(b.costUsd.actual)} USD, estimated ${formatUsd(b.costUsd.estimated)} USD</span>`,
    ],
    ['Created', time(b.created)],
    ['Ended', b.completed === undefined ? undefined : time(b.completed)],
    [
      'Results file',
      b.manifest
        ? html`<span id="manifest">bucket <code>${b.manifest.bucket}</code>, key <code>${b.manifest.key}</code></span>`
        : html`<span id="manifest" class="hint">${
            b.state === 'in_progress' ? 'written once every member has ended' : 'being written'
          }</span>`,
    ],
    ['Idempotency key', b.idempotencyKey],
    [
      'Webhook',
      b.webhook
        ? `${b.webhook.url}${b.webhook.events ? ` (${b.webhook.events.join(', ')})` : ' (default events)'}`
        : 'none',
    ],
    ['Metadata', b.metadata ? JSON.stringify(b.metadata) : undefined],
  ];
  return html`
<section id="summary"><h3>Summary</h3><dl>${rows
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></section>`;
}

function deliveryView(b: BatchSummary, attempts: BatchView['attempts']): SafeHtml {
  if (!b.wantsCompleted)
    return html`<section id="delivery"><h3>batch.completed</h3><p>Not sent: the batch has no webhook target that asks for it.</p></section>`;
  const state = b.delivery
    ? html`<span id="delivery-state" class="delivery delivery-${b.delivery}">${b.delivery}</span>`
    : html`<span id="delivery-state" class="hint">not yet (sent once the results file is written)</span>`;
  return html`
<section id="delivery"><h3>batch.completed ${state}</h3>
${
  attempts.length
    ? html`<table><thead><tr><th>Round</th><th>#</th><th>At</th><th>HTTP status</th><th>Error</th><th>Latency</th></tr></thead><tbody>
${attempts.map(
  (a) =>
    html`<tr><td>${a.round ?? 1}</td><td>${a.attempt}</td><td>${time(a.at)}</td><td>${a.status ?? '—'}</td><td>${a.error ?? ''}</td><td>${duration(a.latencyMs)}</td></tr>`,
)}
</tbody></table>`
    : html`<p>No attempts yet.</p>`
}
</section>`;
}

function retryForm(b: Batch, opts: BatchPageOptions): SafeHtml {
  return html`
<section id="retry"><h3>Failed members: ${b.counts.failed}</h3>
<form method="post" action="${boardUrls.batchRetryFailed(opts.basePath, b.id)}">
<input type="hidden" name="csrf" value="${opts.token(b.id)}">
<button type="submit">Retry failed members</button></form>
<p class="hint">Retries the failed job of every failed member whose failure is resumable (transient trouble that ran out of attempts); each resumes at the stage where it failed and the batch goes back to in progress, then completes again (a new round, a new batch.completed). Members failed for good are skipped and named.</p>
</section>`;
}

function retryView(r: RetryOutcome, basePath: string): SafeHtml {
  return html`
<section id="retry-result" class="notice"><h3>Retried ${r.retried.length} failed member${
    r.retried.length === 1 ? '' : 's'
  }, skipped ${r.skipped.length}</h3>
${
  r.retried.length
    ? html`<h4>Retried</h4><ul id="retried">${r.retried.map(
        (id) => html`<li><a href="${boardUrls.find(basePath, id)}"><code>${id}</code></a></li>`,
      )}</ul>`
    : ''
}${
  r.skipped.length
    ? html`<h4>Skipped</h4><ul id="skipped">${r.skipped.map(
        (s) =>
          html`<li><a href="${boardUrls.find(basePath, s.id)}"><code>${s.id}</code></a>: ${s.reason}</li>`,
      )}</ul>`
    : ''
}${r.retried.length + r.skipped.length === 0 ? html`<p>No member had failed.</p>` : ''}
</section>`;
}

function membersView(view: BatchView, basePath: string): SafeHtml {
  const start = view.cursor ? Number.parseInt(view.cursor, 10) : 0;
  const { items, cursor } = view.members;
  const id = view.batch.id;
  const pager = html`<p class="pager">${
    start > 0 ? html`<a id="first-page" href="${boardUrls.batch(basePath, id)}">First page</a>` : ''
  }${cursor ? html`<a id="next-page" href="${boardUrls.batch(basePath, id, cursor)}">Next page</a>` : ''}</p>`;
  return html`
<section id="members"><h3>Members ${items.length ? `${start + 1}–${start + items.length}` : ''} of ${view.batch.counts.total}</h3>
${
  items.length
    ? html`<table><thead><tr><th>#</th><th>Generation</th><th>State</th></tr></thead><tbody>
${items.map(
  (m, i) =>
    html`<tr data-member="${m.id}"><td>${start + i}</td><td><a href="${boardUrls.find(basePath, m.id)}"><code>${m.id}</code></a></td><td><span class="state state-${m.state}">${m.state}</span></td></tr>`,
)}
</tbody></table>`
    : html`<p>No members on this page.</p>`
}
${pager}
</section>`;
}
