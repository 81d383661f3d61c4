import type { UpstreamPause } from '@reelay/core';
import type { FindResult } from './find-generation.ts';
import { generationView } from './generation-view.ts';
import { html } from './html.ts';
import { boardUrls } from './job-links.ts';
import { layout, pageNav } from './page-layout.ts';
import { upstreamBanner } from './upstream-page.ts';

/**
 * The "Find a generation" page: server-rendered, no build step, no script. Every value goes
 * through the escaping `html` template.
 */
export function findPage(
  result: FindResult | undefined,
  basePath: string,
  opts: { tenants?: boolean; batches?: boolean; upstream?: boolean; upstreamPause?: UpstreamPause } = {},
): string {
  const query = result?.query ?? '';
  const body = !result
    ? html`<p class="hint">Enter a generation id (<code>gen_…</code>) or the idempotency key it was enqueued with.</p>`
    : result.found
      ? html`${
          result.matchedBy === 'idempotency-key' ? html`<p class="hint">Found by idempotency key.</p>` : ''
        }${generationView(result.generation, result.jobs, basePath)}`
      : html`<p id="not-found" class="notice">No generation has the id or idempotency key <code>${query}</code>.</p>`;
  return layout(
    result?.found ? `${result.generation.id} · find a generation` : 'Find a generation',
    html`
<header>
  <h1>Reelay · find a generation</h1>
  ${pageNav(basePath, {
    tenants: opts.tenants ?? false,
    batches: opts.batches ?? false,
    upstream: opts.upstream ?? false,
  })}
</header>
<form method="get" action="${boardUrls.find(basePath)}" role="search">
  <input type="search" name="q" value="${query}" placeholder="gen_… or idempotency key" aria-label="Generation id or idempotency key" autofocus required maxlength="255">
  <button type="submit">Find</button>
</form>
<main>${body}</main>`,
    upstreamBanner(opts.upstreamPause, basePath),
  );
}
