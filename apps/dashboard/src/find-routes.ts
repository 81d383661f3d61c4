import type { FastifyPluginAsync } from 'fastify';
import { type FindDeps, findGeneration } from './find-generation.ts';
import { findPage } from './find-page.ts';
import { PAGE_CSP } from './page-layout.ts';
import type { Bounded } from './unavailable.ts';
import { pauseOf, type UpstreamAdmin } from './upstream-routes.ts';

type FindQuery = { Querystring: { q?: string | string[] } };

/**
 * `<base>/find?q=` (HTML) and `<base>/find.json?q=` (JSON): a generation by id or idempotency
 * key, its status record redacted, and links to its jobs in bull-board.
 */
export function findRoutes(
  deps: FindDeps & {
    tenantsPage?: boolean;
    batchesPage?: boolean;
    /** The upstream pause: the banner, and the nav's link to its page. */
    upstream?: Pick<UpstreamAdmin, 'get'>;
    bounded: Bounded;
  },
): FastifyPluginAsync {
  return async (app) => {
    app.get<FindQuery>('/find', async (req, reply) => {
      const q = firstOf(req.query.q);
      const [result, upstreamPause] = await deps.bounded('find', () =>
        Promise.all([q ? findGeneration(q, deps) : undefined, pauseOf(deps.upstream)]),
      );
      return reply
        .code(result && !result.found ? 404 : 200)
        .header('cache-control', 'no-store')
        .header('content-security-policy', PAGE_CSP)
        .type('text/html; charset=utf-8')
        .send(
          findPage(result, deps.basePath, {
            tenants: deps.tenantsPage ?? false,
            batches: deps.batchesPage ?? false,
            upstream: deps.upstream !== undefined,
            ...(upstreamPause ? { upstreamPause } : {}),
          }),
        );
    });

    app.get<FindQuery>('/find.json', async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const q = firstOf(req.query.q);
      if (!q)
        return reply
          .code(400)
          .send({ error: 'missing_query', message: 'pass ?q=<generation id or idempotency key>' });
      const result = await deps.bounded('find', () => findGeneration(q, deps));
      return reply.code(result.found ? 200 : 404).send(result);
    });
  };
}

function firstOf(q: string | string[] | undefined): string | undefined {
  const v = (Array.isArray(q) ? q[0] : q)?.trim();
  return v ? v : undefined;
}
