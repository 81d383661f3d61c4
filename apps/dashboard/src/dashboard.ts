import {
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  type Logger,
  type StageQueues,
  type StatusStore,
} from '@reelay/core';
import type { Producer } from '@reelay/producer';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { DashboardAuth } from './auth-mode.ts';
import { basicAuthMatches, WWW_AUTHENTICATE } from './basic-auth.ts';
import { type BatchAdmin, batchRoutes } from './batch-routes.ts';
import { boardPlugin } from './board.ts';
import { findRoutes } from './find-routes.ts';
import { createFormTokens } from './form-guard.ts';
import { normalizeBasePath } from './job-links.ts';
import { type TenantAdmin, tenantRoutes } from './tenant-routes.ts';
import { isRedisUnavailable, redisDeadline, unavailableHandler } from './unavailable.ts';
import { type UpstreamAdmin, upstreamRoutes } from './upstream-routes.ts';

export type DashboardOptions = {
  /** The four stage queues. @defaultValue the producer's */
  queues?: StageQueues;
  /** The status store, for "find a generation". @defaultValue the producer's */
  store?: StatusStore;
  /** The tenants page's reads and Pause/Resume. @defaultValue the producer (no page without either) */
  tenants?: TenantAdmin;
  /** The batch pages' reads and "Retry failed members". @defaultValue the producer's ops (no pages without either) */
  batches?: BatchAdmin;
  /** The upstream pause: every page's banner, and the upstream page's Pause/Resume. @defaultValue the producer's ops (no banner or page without either) */
  upstream?: UpstreamAdmin;
  /** Where queues, store, tenants, batches and upstream come from when they are not given. */
  producer?: Producer;
  /**
   * Bound of one page's or action's Redis work (REDIS_COMMAND_TIMEOUT_MS): past it, or on a
   * connection failure, the dashboard's own routes answer 503 with Retry-After.
   * @defaultValue 5000
   */
  redisTimeoutMs?: number;
  auth: DashboardAuth;
  logger: Logger;
  /** Path the dashboard is served under, e.g. `/ops`. @defaultValue `/` */
  basePath?: string;
};

/**
 * The operators' dashboard as a fastify instance (not listening: call `listen`, or `inject` in
 * tests): bull-board over the four stage queues at `<base>/`, and "find a generation" at
 * `<base>/find`, the tenants page at `<base>/tenants`, the batches at `<base>/batches`, and the
 * upstream pause at `<base>/upstream` (its banner on every page of ours while paused). One
 * onRequest hook at the root guards every route — bull-board's pages, API and static files, the
 * find, tenants, batch and upstream pages, their actions, and the 404 handler. Redis unavailable
 * (down, frozen, too slow) answers 503 with Retry-After on our routes; bull-board's are its own.
 */
export function createDashboard(opts: DashboardOptions): FastifyInstance {
  const queues = opts.queues ?? opts.producer?.ops.queues;
  const store = opts.store ?? opts.producer?.ops.store;
  const tenants = opts.tenants ?? opts.producer;
  const batches = opts.batches ?? opts.producer?.ops;
  const upstream = opts.upstream ?? opts.producer?.ops.upstream;
  const bounded = redisDeadline(opts.redisTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS);
  if (!queues || !store) throw new TypeError('createDashboard: pass queues and store, or a producer');
  const basePath = normalizeBasePath(opts.basePath);
  const app = Fastify({
    // A pino Logger is a FastifyBaseLogger; widening keeps the instance's type the default one.
    loggerInstance: opts.logger as FastifyBaseLogger,
    // bull-board polls every few seconds: a line per request would drown everything else.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onRequest', guard(opts.auth, opts.logger));
  app.addHook('onError', async (req, _reply, err) => {
    // Redis unavailable is logged once, as a warning, by the handler that answers 503.
    if (isRedisUnavailable(err)) return;
    opts.logger.error({ err, method: req.method, url: req.url }, 'dashboard request failed');
  });
  const prefix = basePath ? { prefix: basePath } : {};
  const tenantsPage = tenants !== undefined;
  const batchesPage = batches !== undefined;
  const upstreamPage = upstream !== undefined;
  // One secret for every form of this dashboard: a token names its action and target.
  const tokens = createFormTokens();
  const banner = upstream ? { upstream } : {};
  app.register(
    boardPlugin(queues, basePath, opts.logger, { tenantsPage, batchesPage, upstreamPage }),
    prefix,
  );
  // Our pages in one scope, so its error handler (503 for Redis unavailable) is not bull-board's.
  const ours: FastifyPluginAsync = async (pages) => {
    pages.setErrorHandler(unavailableHandler(basePath, opts.logger));
    pages.register(findRoutes({ queues, store, basePath, tenantsPage, batchesPage, bounded, ...banner }));
    if (tenants)
      pages.register(
        tenantRoutes({ tenants, basePath, tokens, logger: opts.logger, batchesPage, bounded, ...banner }),
      );
    if (batches)
      pages.register(
        batchRoutes({
          admin: batches,
          basePath,
          tokens,
          nav: { tenants: tenantsPage, upstream: upstreamPage },
          logger: opts.logger,
          bounded,
          ...banner,
        }),
      );
    if (upstream)
      pages.register(
        upstreamRoutes({
          upstream,
          basePath,
          tokens,
          bounded,
          nav: { tenants: tenantsPage, batches: batchesPage },
          logger: opts.logger,
        }),
      );
  };
  app.register(ours, prefix);
  return app;
}

function guard(auth: DashboardAuth, logger: Logger) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // bull-board URLs name queues and jobs; keep them out of the font CDN's referrer logs.
    reply.header('referrer-policy', 'no-referrer');
    if (auth.kind !== 'basic' || basicAuthMatches(req.headers.authorization, auth)) return;
    logger.debug({ method: req.method, url: req.url, ip: req.ip }, 'dashboard: unauthenticated request');
    return reply
      .code(401)
      .header('www-authenticate', WWW_AUTHENTICATE)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send('authentication required\n');
  };
}
