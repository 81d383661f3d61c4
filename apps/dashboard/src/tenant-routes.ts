import { TenantName } from '@reelay/contracts';
import type { Logger } from '@reelay/core';
import type { Producer } from '@reelay/producer';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { type FormTokens, sameOriginPost } from './form-guard.ts';
import { boardUrls } from './job-links.ts';
import { PAGE_CSP } from './page-layout.ts';
import { type TenantAction, type TenantNotice, tenantFormPurpose, tenantsPage } from './tenants-page.ts';
import type { Bounded } from './unavailable.ts';
import { pauseOf, type UpstreamAdmin } from './upstream-routes.ts';

/** What the tenants page reads and changes: the producer's tenant API. */
export type TenantAdmin = Pick<Producer, 'listTenants' | 'setTenant'>;

export type TenantRoutesDeps = {
  tenants: TenantAdmin;
  basePath: string;
  tokens: FormTokens;
  logger?: Logger;
  now?: () => number;
  /** Whether the nav links to the batches page. */
  batchesPage?: boolean;
  /** The upstream pause: the banner, and the nav's link to its page. */
  upstream?: Pick<UpstreamAdmin, 'get'>;
  bounded: Bounded;
};

type PageQuery = { Querystring: { done?: string; tenant?: string } };
type ActionRequest = { Params: { action: string }; Body: Record<string, string> | undefined };

const ACTIONS: ReadonlySet<string> = new Set<TenantAction>(['pause', 'resume']);
/** A form post is a few hundred bytes: a tenant name and a token. */
const FORM_BODY_LIMIT = 4_096;

/**
 * `<base>/tenants` (HTML), `<base>/tenants.json`, and the page's Pause and Resume forms:
 * `POST <base>/tenants/pause` and `…/resume` with `tenant` and `csrf` fields, answered with a
 * 303 back to the page. A post must come from the dashboard's own page (form-guard.ts: same
 * origin, and the token issued for that action on that tenant); authentication is the root hook's.
 */
export function tenantRoutes(deps: TenantRoutesDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  return async (app) => {
    // Scoped to this plugin: bull-board's routes keep fastify's JSON-only parsing.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    app.get<PageQuery>('/tenants', async (req, reply) => {
      const [tenants, upstreamPause] = await deps.bounded('tenants page', () =>
        Promise.all([deps.tenants.listTenants(), pauseOf(deps.upstream)]),
      );
      const notice = noticeOf(req.query);
      return reply
        .header('cache-control', 'no-store')
        .header('content-security-policy', PAGE_CSP)
        .type('text/html; charset=utf-8')
        .send(
          tenantsPage(tenants, {
            basePath: deps.basePath,
            token: (action, tenant) => deps.tokens.issue(tenantFormPurpose(action, tenant)),
            now: now(),
            batches: deps.batchesPage ?? false,
            upstream: deps.upstream !== undefined,
            ...(upstreamPause ? { upstreamPause } : {}),
            ...(notice ? { notice } : {}),
          }),
        );
    });

    app.get('/tenants.json', async (_req, reply) => {
      reply.header('cache-control', 'no-store');
      return { tenants: await deps.bounded('tenants', () => deps.tenants.listTenants()) };
    });

    app.post<ActionRequest>('/tenants/:action', async (req, reply) => {
      const action = req.params.action;
      if (!ACTIONS.has(action)) return refuse(reply, 404, 'no such tenant action: use pause or resume\n');
      const origin = sameOriginPost(req.headers);
      const tenant = req.body?.tenant;
      const log = { action, tenant, ip: req.ip };
      if (!origin.ok) {
        deps.logger?.warn({ ...log, reason: origin.reason }, 'dashboard: refused a tenant action');
        return refuse(reply, 403, `${origin.reason}\n`);
      }
      if (typeof tenant !== 'string' || !TenantName.safeParse(tenant).success)
        return refuse(
          reply,
          400,
          'tenant: must be a tenant name (1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-")\n',
        );
      if (!deps.tokens.verify(tenantFormPurpose(action as TenantAction, tenant), req.body?.csrf)) {
        const reason =
          'the form token is missing or not this dashboard’s: reload the tenants page and try again';
        deps.logger?.warn({ ...log, reason }, 'dashboard: refused a tenant action');
        return refuse(reply, 403, `${reason}\n`);
      }
      const paused = action === 'pause';
      await deps.bounded('tenant pause', () => deps.tenants.setTenant(tenant, { paused }));
      deps.logger?.info(
        { tenant, paused },
        paused ? 'dashboard: tenant paused' : 'dashboard: tenant resumed',
      );
      return reply
        .header('cache-control', 'no-store')
        .redirect(
          `${boardUrls.tenants(deps.basePath)}?done=${action}&tenant=${encodeURIComponent(tenant)}`,
          303,
        );
    });
  };
}

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/plain; charset=utf-8')
    .send(message);
}

function noticeOf(q: PageQuery['Querystring']): TenantNotice | undefined {
  const { done, tenant } = q;
  if (typeof done !== 'string' || !ACTIONS.has(done)) return undefined;
  if (typeof tenant !== 'string' || !TenantName.safeParse(tenant).success) return undefined;
  return { action: done as TenantAction, tenant };
}
