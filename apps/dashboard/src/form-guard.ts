import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Cross-site request forgery guards for the dashboard's own HTML forms. bull-board's actions are
 * `PUT`s sent by script, which a page on another site cannot send without a CORS preflight the
 * dashboard never grants. A `<form method="post">` is a simple request: any site can make an
 * operator's browser send one, with the operator's basic-auth credentials attached. So every form
 * post must pass both guards below, besides authentication (the root `onRequest` hook).
 */

export type FormPostDecision = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The request headers {@link sameOriginPost} reads (lower-case, as node gives them). */
export type OriginHeaders = {
  'sec-fetch-site'?: string | string[] | undefined;
  origin?: string | string[] | undefined;
  host?: string | string[] | undefined;
  'x-forwarded-host'?: string | string[] | undefined;
};

const first = (v: string | string[] | undefined): string | undefined =>
  (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim() || undefined;

/**
 * Where the browser says a post came from. `Sec-Fetch-Site` (every current browser) must be
 * `same-origin`; without it, an `Origin` header must name this host. A request with neither
 * comes from no browser (curl, a script): it is not a forgery, and still needs the form token.
 */
export function sameOriginPost(headers: OriginHeaders): FormPostDecision {
  const site = first(headers['sec-fetch-site'])?.toLowerCase();
  if (site !== undefined)
    return site === 'same-origin'
      ? { ok: true }
      : { ok: false, reason: `a form posted from another site is refused (Sec-Fetch-Site: ${site})` };
  const origin = first(headers.origin);
  if (origin === undefined) return { ok: true };
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return {
      ok: false,
      reason: `a form posted from an opaque or malformed origin is refused (Origin: ${origin})`,
    };
  }
  // A proxy may rewrite Host; a forged post cannot set X-Forwarded-Host from a victim's browser.
  const hosts = [first(headers.host), first(headers['x-forwarded-host'])].map((h) => h?.toLowerCase());
  return hosts.includes(originHost)
    ? { ok: true }
    : { ok: false, reason: `a form posted from another site is refused (Origin: ${origin})` };
}

export type FormTokens = {
  /** The token a form for `purpose` (e.g. `pause:acme`) carries in its hidden `csrf` field. */
  issue(purpose: string): string;
  /** Whether `token` is the one this dashboard issued for exactly `purpose`. */
  verify(purpose: string, token: unknown): boolean;
};

/**
 * Form tokens: an HMAC of the form's purpose under a secret that never leaves the process. A
 * page on another site cannot read the dashboard's pages, so it cannot learn a token; a token
 * only works for the action and tenant it was issued for. A restarted dashboard (new secret)
 * refuses forms rendered before the restart: the operator reloads the page.
 */
export function createFormTokens(secret: Buffer = randomBytes(32)): FormTokens {
  const issue = (purpose: string) => createHmac('sha256', secret).update(purpose, 'utf8').digest('base64url');
  return {
    issue,
    verify(purpose, token) {
      if (typeof token !== 'string') return false;
      const given = Buffer.from(token, 'utf8');
      const expected = Buffer.from(issue(purpose), 'utf8');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
