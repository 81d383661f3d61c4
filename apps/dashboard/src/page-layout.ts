import { html, type SafeHtml } from './html.ts';
import { boardUrls } from './job-links.ts';

/** The dashboard's own pages have no script and load nothing: a strict policy costs nothing. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Links between the dashboard's pages; the tenants and batches pages only where they are served. */
export function pageNav(
  basePath: string,
  opts: { tenants: boolean; find?: boolean; batches?: boolean; upstream?: boolean },
): SafeHtml {
  return html`<nav><a href="${boardUrls.home(basePath)}">Queues board</a>${
    opts.find ? html`<a href="${boardUrls.find(basePath)}">Find a generation</a>` : ''
  }${opts.tenants ? html`<a href="${boardUrls.tenants(basePath)}">Tenants</a>` : ''}${
    opts.batches ? html`<a href="${boardUrls.batches(basePath)}">Batches</a>` : ''
  }${opts.upstream ? html`<a href="${boardUrls.upstream(basePath)}">Upstream</a>` : ''}</nav>`;
}

/**
 * A whole page: head, the shared style, `banner` first (the upstream pause's, when paused), then
 * `content` (both already escaped by `html`).
 */
export function layout(title: string, content: SafeHtml, banner: SafeHtml = html``): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>${STYLE}</style></head>
<body>${banner}${content}</body></html>`.value;
}

// Inline on purpose: one file, no static route, and the CSP allows only inline styles.
const STYLE = html`
:root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --bg: #f7f8fa; --card: #fff; --line: #e3e6eb; --accent: #2f6fdb; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8ec; --muted: #9aa4b2; --bg: #151a21; --card: #1d232c; --line: #2c3440; --accent: #7aa7ff; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 14px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; }
h1 { font-size: 1.25rem; margin: 0 0 1rem; } h2 { font-size: 1.1rem; margin: 0; } h3 { font-size: 1rem; margin: 0 0 .5rem; } h4 { margin: .75rem 0 .25rem; font-size: .95rem; }
a { color: var(--accent); }
form { display: flex; gap: .5rem; margin-bottom: 1rem; }
input[type=search] { flex: 1; padding: .5rem .75rem; font: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: inherit; }
button { padding: .5rem 1rem; font: inherit; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin-bottom: 1rem; }
section.error { border-color: #d92d20; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; } dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; } th { color: var(--muted); font-weight: 500; }
code, pre { font-family: ui-monospace, monospace; font-size: .9em; } pre { margin: 0; overflow: auto; }
.hint { color: var(--muted); } .notice { padding: .75rem 1rem; border: 1px solid var(--line); border-radius: 8px; background: var(--card); }
.state, .delivery { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .85em; font-weight: 600; background: #e3e6eb; color: #344054; }
.state-succeeded, .delivery-delivered { background: #d1fadf; color: #05603a; }
.state-failed, .state-canceled, .delivery-exhausted, .delivery-gone { background: #fee4e2; color: #b42318; }
.state-running, .state-copying, .state-submitting, .delivery-pending { background: #d1e9ff; color: #175cd3; }
.job-failed { color: #d92d20; font-weight: 600; }
.tenants td.num, .tenants th.num { text-align: right; font-variant-numeric: tabular-nums; }
.tenants form { margin: 0; } .tenants button { padding: .25rem .75rem; }
.tenants button.resume { background: #05603a; }
.paused { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: .85em; font-weight: 600; background: #fef0c7; color: #93370d; }
.over { color: #d92d20; font-weight: 600; }
nav a + a { margin-left: 1rem; }
.bar { display: flex; height: .9rem; min-width: 8rem; border-radius: 999px; overflow: hidden; background: var(--line); }
.bar span { display: block; height: 100%; }
.bar .state-queued { background: #98a2b3; } .bar .state-submitting, .bar .state-running, .bar .state-copying { background: #2e90fa; }
.bar .state-succeeded { background: #12b76a; } .bar .state-failed { background: #d92d20; } .bar .state-canceled { background: #f79009; }
.batches td.num, .batches th.num, .counts td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pager a + a { margin-left: 1rem; }
.banner { padding: .75rem 1rem; margin: 0 0 1rem; border: 1px solid #f79009; border-radius: 8px; background: #fef0c7; color: #93370d; overflow-wrap: anywhere; }
.banner a { color: inherit; font-weight: 600; margin-left: .5rem; }
form.reason input[type=text] { flex: 1; padding: .5rem .75rem; font: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: inherit; }
button.resume { background: #05603a; }
`;
