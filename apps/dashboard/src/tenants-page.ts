import type { Tenant } from '@reelay/contracts';
import type { UpstreamPause } from '@reelay/core';
import { html, type SafeHtml } from './html.ts';
import { boardUrls } from './job-links.ts';
import { layout, pageNav } from './page-layout.ts';
import { upstreamBanner } from './upstream-page.ts';

export type TenantAction = 'pause' | 'resume';

/** What the page says after a Pause or Resume (read back from the redirect's query). */
export type TenantNotice = { action: TenantAction; tenant: string };

export type TenantsPageOptions = {
  basePath: string;
  /** The form token for an action on a tenant (form-guard.ts). */
  token(action: TenantAction, tenant: string): string;
  notice?: TenantNotice;
  /** When the figures were read (ms). */
  now: number;
  /** Whether the nav links to the batches page. */
  batches?: boolean;
  /** Whether the nav links to the upstream page. */
  upstream?: boolean;
  /** The upstream pause, when paused: the banner at the top. */
  upstreamPause?: UpstreamPause;
};

/** The purpose a form token is issued for: one action on one tenant. */
export const tenantFormPurpose = (action: TenantAction, tenant: string) => `tenant-${action}:${tenant}`;

/** Dollars with cents, and the micro-dollars the store keeps when there are any. */
export function formatUsd(usd: number): string {
  return usd.toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1');
}

const PER = { day: 'per UTC day', month: 'per UTC month', total: 'in total' } as const;

/**
 * The tenants page: each tenant's queue, slots in use, spend against its budget, weight, own
 * cap and pause, with a Pause or Resume form. Server-rendered, no script; every value goes
 * through the escaping `html` template.
 */
export function tenantsPage(tenants: Tenant[], opts: TenantsPageOptions): string {
  const body = tenants.length
    ? html`
<table id="tenants" class="tenants"><thead><tr>
  <th>Tenant</th><th class="num">Queued</th><th class="num">In flight</th><th>Spent / budget</th>
  <th class="num">Weight</th><th class="num">Cap</th><th>Paused</th><th></th>
</tr></thead><tbody>
${tenants.map((t) => tenantRow(t, opts))}
</tbody></table>`
    : html`<p id="no-tenants" class="notice">No tenants yet. A tenant appears when a generation is first enqueued for it, or when it is set (<code>reelay tenant set</code>, <code>producer.setTenant</code>).</p>`;
  return layout(
    'Tenants',
    html`
<header>
  <h1>Reelay · tenants</h1>
  ${pageNav(opts.basePath, {
    tenants: false,
    find: true,
    batches: opts.batches ?? false,
    upstream: opts.upstream ?? false,
  })}
</header>
${opts.notice ? noticeView(opts.notice) : ''}
<main><section>${body}
<p class="hint">Read at ${new Date(opts.now).toISOString()}. A paused tenant gets no new upstream slots; its queued generations wait, and those in flight finish. Weights share <code>MAX_IN_FLIGHT</code> between tenants with queued work; a cap of — means only <code>MAX_IN_FLIGHT</code> applies. Spend is in the budget's current UTC period; reserved is the estimate of generations not yet ended.</p>
</section></main>`,
    upstreamBanner(opts.upstreamPause, opts.basePath),
  );
}

function noticeView(n: TenantNotice): SafeHtml {
  return html`<p id="notice" class="notice">${
    n.action === 'pause'
      ? html`Paused <strong>${n.tenant}</strong>: it gets no new upstream slots; its queued generations wait.`
      : html`Resumed <strong>${n.tenant}</strong>: its queued generations are granted slots again.`
  }</p>`;
}

function tenantRow(t: Tenant, opts: TenantsPageOptions): SafeHtml {
  const action: TenantAction = t.paused ? 'resume' : 'pause';
  return html`<tr id="tenant-${t.name}" data-tenant="${t.name}">
<td><strong>${t.name}</strong></td>
<td class="num" data-field="queued">${t.usage.queued}</td>
<td class="num" data-field="in-flight">${t.usage.inFlight}</td>
<td data-field="spend">${spendView(t)}</td>
<td class="num" data-field="weight">${t.weight}</td>
<td class="num" data-field="cap">${t.maxInFlight ?? '—'}</td>
<td data-field="paused">${t.paused ? html`<span class="paused">paused</span>` : 'no'}</td>
<td><form method="post" action="${boardUrls.tenantAction(opts.basePath, action)}">
<input type="hidden" name="tenant" value="${t.name}">
<input type="hidden" name="csrf" value="${opts.token(action, t.name)}">
<button type="submit" class="${action}" aria-label="${action === 'pause' ? 'Pause' : 'Resume'} ${t.name}">${
    action === 'pause' ? 'Pause' : 'Resume'
  }</button></form></td>
</tr>`;
}

function spendView(t: Tenant): SafeHtml {
  const { spentUsd, reservedUsd } = t.usage;
  const reserved =
    reservedUsd > 0 ? html` <span class="hint">+ ${formatUsd(reservedUsd)} reserved</span>` : '';
  if (!t.budget) return html`${formatUsd(spentUsd)} USD <span class="hint">· no budget</span>${reserved}`;
  const { limitUsd, period } = t.budget;
  const used = limitUsd > 0 ? Math.round((spentUsd / limitUsd) * 100) : spentUsd > 0 ? 100 : 0;
  const full = spentUsd + reservedUsd >= limitUsd;
  const amounts = `${formatUsd(spentUsd)} / ${formatUsd(limitUsd)} USD`;
  return html`${full ? html`<span class="over">${amounts}</span>` : amounts} ${PER[period]} (${used}%)${reserved}`;
}
