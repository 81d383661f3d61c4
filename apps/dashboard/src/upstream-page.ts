import type { UpstreamPause } from '@reelay/core';
import { html, type SafeHtml } from './html.ts';
import { boardUrls } from './job-links.ts';
import { layout, pageNav } from './page-layout.ts';

export type UpstreamAction = 'pause' | 'resume';

/** What the page says after a form was posted (read back from the redirect's query). */
export type UpstreamNotice = 'paused' | 'resumed' | 'not-paused';

/** The purpose a form token is issued for: one action on the upstream pause. */
export const upstreamFormPurpose = (action: UpstreamAction) => `upstream-${action}:`;

/** The longest reason the store keeps (upstream-pause.ts slices to this). */
export const MAX_REASON_LENGTH = 300;

/** The code an operator's pause is recorded with (the same as `reelay upstream pause`). */
export const OPERATOR_PAUSE_CODE = 'REELAY_UPSTREAM_PAUSED';

/** A form's reason: trimmed, 1 to 300 characters; or what is wrong with it. */
export function parseReason(raw: unknown): { ok: true; reason: string } | { ok: false; problem: string } {
  const reason = typeof raw === 'string' ? raw.trim() : '';
  if (!reason) return { ok: false, problem: 'reason: say why the upstream is paused (1-300 characters)' };
  if (reason.length > MAX_REASON_LENGTH)
    return { ok: false, problem: `reason: at most ${MAX_REASON_LENGTH} characters (got ${reason.length})` };
  return { ok: true, reason };
}

const byText = (p: UpstreamPause) =>
  p.by === 'operator' ? 'by an operator' : 'automatically (an account failure)';

/**
 * The banner every page of the dashboard shows at its top while the upstream is paused: since
 * when, by whom, the code and reason (escaped, as every value), and a link to the Upstream page.
 * Empty when it is not paused.
 */
export function upstreamBanner(pause: UpstreamPause | undefined, basePath: string): SafeHtml {
  if (!pause) return html``;
  return html`<p id="upstream-banner" class="banner" role="alert"><strong>Upstream paused</strong> since ${new Date(
    pause.since,
  ).toISOString()}, ${byText(pause)}: <code>${pause.code}</code> ${pause.reason}. No worker creates upstream tasks; queued generations wait. <a href="${boardUrls.upstream(basePath)}">Upstream</a></p>`;
}

export type UpstreamPageOptions = {
  basePath: string;
  /** The form token for an action (form-guard.ts). */
  token(action: UpstreamAction): string;
  notice?: UpstreamNotice;
  /** When the state was read (ms). */
  now: number;
  /** Which pages the nav links to. */
  nav: { tenants: boolean; batches: boolean };
};

/**
 * `<base>/upstream`: the upstream pause (circuit breaker), with a Pause form (a reason) and,
 * while paused, a Resume form. Server-rendered, no script; every value is escaped.
 */
export function upstreamPage(pause: UpstreamPause | undefined, opts: UpstreamPageOptions): string {
  const state = pause
    ? html`<h2 id="upstream-state"><span class="paused">paused</span> ${byText(pause)}</h2>
<dl>
<dt>Since</dt><dd id="since">${new Date(pause.since).toISOString()}</dd>
<dt>By</dt><dd id="by">${pause.by}</dd>
<dt>Code</dt><dd><code id="code">${pause.code}</code></dd>
<dt>Reason</dt><dd id="reason">${pause.reason}</dd>
</dl>
<p class="hint">${
        pause.by === 'auto'
          ? 'One submit per UPSTREAM_PAUSE_PROBE_MS probes the upstream; a probe that succeeds resumes by itself. Pausing here makes it an operator’s pause: no more probes, only Resume ends it.'
          : 'An operator’s pause is never probed: only Resume (here, or reelay upstream resume) ends it.'
      }</p>
<form method="post" action="${boardUrls.upstreamAction(opts.basePath, 'resume')}">
<input type="hidden" name="csrf" value="${opts.token('resume')}">
<button type="submit" class="resume">Resume</button></form>`
    : html`<h2 id="upstream-state">Not paused</h2><p>Workers create upstream tasks as their tenants’ slots allow.</p>`;
  return layout(
    'Upstream',
    html`
<header>
  <h1>Reelay · upstream</h1>
  ${pageNav(opts.basePath, { tenants: opts.nav.tenants, find: true, batches: opts.nav.batches })}
</header>
${opts.notice ? noticeView(opts.notice) : ''}
<main>
<section id="state">${state}</section>
<section id="pause"><h3>${pause ? 'Pause as an operator' : 'Pause'}</h3>
<form method="post" action="${boardUrls.upstreamAction(opts.basePath, 'pause')}" class="reason">
<input type="text" name="reason" maxlength="${MAX_REASON_LENGTH}" required placeholder="Why (shown on every page)" aria-label="Reason">
<input type="hidden" name="csrf" value="${opts.token('pause')}">
<button type="submit" class="pause">Pause</button></form>
<p class="hint">While paused, no worker creates upstream tasks: queued generations wait, and polls, copies and webhooks go on. Read at ${new Date(opts.now).toISOString()}.</p>
</section>
</main>`,
    upstreamBanner(pause, opts.basePath),
  );
}

function noticeView(n: UpstreamNotice): SafeHtml {
  const text = {
    paused: 'Paused the upstream: no worker creates upstream tasks until it is resumed.',
    resumed: 'Resumed the upstream: workers create tasks again at their next submit.',
    'not-paused': 'The upstream was not paused.',
  }[n];
  return html`<p id="notice" class="notice">${text}</p>`;
}
