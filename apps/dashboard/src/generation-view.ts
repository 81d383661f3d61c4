import { type Delivery, type GenerationStatus, isTerminal } from '@reelay/contracts';
import type { FoundJob } from './find-generation.ts';
import { html, type SafeHtml } from './html.ts';
import { boardUrls } from './job-links.ts';

/**
 * The sections of a found generation: state, error, summary, jobs, timeline, output, webhook
 * deliveries with every attempt, and the request. Pure: status in, escaped HTML out. The status
 * is already redacted by the caller.
 */
export function generationView(g: GenerationStatus, jobs: FoundJob[], basePath: string): SafeHtml {
  return html`
<section class="head">
  <h2><code id="generation-id">${g.id}</code> <span id="state" class="state state-${g.state}">${g.state}</span></h2>
</section>
${g.error ? errorView(g, jobs) : ''}
${summaryView(g)}
${jobsView(jobs, basePath)}
${timelineView(g)}
${g.output ? outputView(g.output) : ''}
${deliveriesView(g.deliveries)}
<section><h3>Request</h3><pre>${JSON.stringify(g.request, null, 2)}</pre></section>`;
}

function errorView(g: GenerationStatus, jobs: FoundJob[]): SafeHtml {
  const e = g.error!;
  const job = jobs.find((j) => j.stage === e.stage && j.url);
  return html`
<section id="error" class="error">
  <h3>Error at the ${e.stage} stage</h3>
  <dl>
    <dt>Stage</dt><dd id="error-stage">${e.stage}</dd>
    <dt>Code</dt><dd><code>${e.code}</code></dd>
    ${e.upstreamCode ? html`<dt>Upstream code</dt><dd><code>${e.upstreamCode}</code></dd>` : ''}
    <dt>Message</dt><dd id="error-message">${e.message}</dd>
    <dt>Resumable</dt><dd>${e.resumable ? 'yes' : 'no'}</dd>
  </dl>
  ${
    e.resumable && job?.url
      ? html`<p>Retry its <a href="${job.url}">${e.stage} job</a> in the board to resume at that stage.</p>`
      : ''
  }
</section>`;
}

function summaryView(g: GenerationStatus): SafeHtml {
  const rows: Array<[string, string | SafeHtml | undefined]> = [
    ['Tenant', html`<span id="tenant">${g.tenant}</span>`],
    ['Idempotency key', g.idempotencyKey],
    ['Created', time(g.createdAt)],
    ['Updated', time(g.updatedAt)],
    ['Deadline', g.deadlineAt ? time(g.deadlineAt) : undefined],
    ['Priority', g.priority === undefined ? undefined : String(g.priority)],
    [
      'Cost',
      `estimated ${g.cost.estimatedUsd.toFixed(2)} USD${g.cost.actualUsd === undefined ? '' : `, actual ${g.cost.actualUsd.toFixed(2)} USD`}`,
    ],
    [
      'Upstream task id',
      g.upstream.taskId ? html`<code id="task-id">${g.upstream.taskId}</code>` : undefined,
    ],
    ['Submitted upstream', g.upstream.submittedAt ? time(g.upstream.submittedAt) : undefined],
    // What the last poll saw: for a generation that ended another way (its deadline, a cancel)
    // the upstream may still have said in_progress, so say whose word it is.
    [isTerminal(g.state) ? 'Upstream status (last seen)' : 'Upstream status', g.upstream.status],
    // A 0–1 fraction in the record.
    [
      'Upstream progress',
      g.upstream.progress === undefined ? undefined : `${Math.round(g.upstream.progress * 100)}%`,
    ],
    ['Submit intents', String(g.upstream.submitIntents)],
    [
      'Attempts',
      Object.entries(g.attempts)
        .map(([stage, n]) => `${stage} ${n}`)
        .join(', '),
    ],
    [
      'Webhook',
      g.webhook
        ? `${g.webhook.url}${g.webhook.events ? ` (${g.webhook.events.join(', ')})` : ' (default events)'}`
        : 'none',
    ],
    ['Metadata', g.metadata ? JSON.stringify(g.metadata) : undefined],
  ];
  return html`
<section><h3>Summary</h3><dl>${rows
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></section>`;
}

function jobsView(jobs: FoundJob[], basePath: string): SafeHtml {
  return html`
<section id="jobs"><h3>Jobs</h3>
<table><thead><tr><th>Stage</th><th>Job id</th><th>State</th><th></th></tr></thead><tbody>
${jobs.map(
  (
    j,
  ) => html`<tr data-stage="${j.stage}"><td><a href="${boardUrls.queue(basePath, j.queue)}">${j.stage}</a></td>
<td><code>${j.jobId}</code></td><td class="job-${j.state}">${j.state === 'unknown' ? 'not in queue' : j.state}</td>
<td>${j.url ? html`<a class="job-link" href="${j.url}">open in board</a>` : ''}</td></tr>`,
)}
</tbody></table></section>`;
}

function timelineView(g: GenerationStatus): SafeHtml {
  return html`
<section id="timeline"><h3>Timeline</h3>
<table><thead><tr><th>State</th><th>At</th><th>Since created</th></tr></thead><tbody>
${g.timeline.map(
  (t) =>
    html`<tr><td><span class="state state-${t.state}">${t.state}</span></td><td>${time(t.at)}</td><td>+${duration(t.at - g.createdAt)}</td></tr>`,
)}
</tbody></table></section>`;
}

function outputView(o: NonNullable<GenerationStatus['output']>): SafeHtml {
  return html`
<section id="output"><h3>Output</h3><dl>
<dt>URI</dt><dd><code>${o.uri}</code></dd>
<dt>Bucket</dt><dd>${o.bucket}</dd><dt>Key</dt><dd><code>${o.key}</code></dd>
<dt>Size</dt><dd>${o.size.toLocaleString('en-US')} bytes</dd>
<dt>SHA-256</dt><dd><code>${o.sha256}</code></dd><dt>Content type</dt><dd>${o.contentType}</dd>
</dl></section>`;
}

function deliveriesView(deliveries: Delivery[]): SafeHtml {
  if (!deliveries.length)
    return html`<section id="deliveries"><h3>Webhook deliveries</h3><p>No webhook events yet.</p></section>`;
  return html`
<section id="deliveries"><h3>Webhook deliveries</h3>
${deliveries.map(
  (d) => html`
<h4>${d.event} <span class="delivery delivery-${d.state}">${d.state}</span> <code>${d.webhookId}</code></h4>
${
  d.attempts.length
    ? html`<table><thead><tr><th>#</th><th>At</th><th>HTTP status</th><th>Error</th><th>Latency</th></tr></thead><tbody>
${d.attempts.map(
  (a) =>
    html`<tr><td>${a.attempt}</td><td>${time(a.at)}</td><td>${a.status ?? '—'}</td><td>${a.error ?? ''}</td><td>${duration(a.latencyMs)}</td></tr>`,
)}
</tbody></table>`
    : html`<p>No attempts yet.</p>`
}`,
)}
</section>`;
}

export function time(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '—';
}

export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms - min * 60_000) / 1_000)} s`;
}
