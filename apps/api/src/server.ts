import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type Logger } from '@reelay/core';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { type ApiToken, DEFAULT_BODY_LIMIT_BYTES } from './api-config.ts';
import type { ApiProducer } from './api-deps.ts';
import { bearerChallenge, createTokenCheck, OPERATOR } from './auth.ts';
import { DEFAULT_HEARTBEAT_MS, registerEventsRoute } from './events-route.ts';
import { registerGenerationRoutes } from './generation-routes.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { instanceOf, problem, problemOfError, sendProblem } from './problem.ts';
import { createStateHub, type StateHub } from './state-hub.ts';
import { registerTenantRoutes } from './tenant-routes.ts';

const HEALTH_PING_TIMEOUT_MS = 2_000;
/** Routes anyone may call: load balancers probe health, code generators fetch the document. */
const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/openapi.json']);

export type ApiServerOptions = {
  producer: ApiProducer;
  /**
   * Accepted bearer tokens, each bound to a tenant (`{ token, tenant }`, tenant `*` for an
   * operator); a bare string is a token of tenant `default`. Empty only together with `allowNoAuth`.
   */
  tokens: readonly (string | ApiToken)[];
  /** Serve without auth when `tokens` is empty, every caller an operator (startApi allows it on loopback only). @defaultValue false */
  allowNoAuth?: boolean;
  /** @defaultValue 1 MiB */
  bodyLimitBytes?: number;
  /** Request and error log; never sees tokens. @defaultValue silent */
  logger?: Logger;
  /** A connection for the state-change subscription; the server neither opens nor closes it. @defaultValue a duplicate of the producer's, opened on the first events stream and closed with the server */
  subscriber?: Redis;
  /** A state hub to share (overrides `subscriber`); the caller closes it. */
  hub?: StateHub;
  /** Interval of heartbeat comments (and record re-reads) on events streams. @defaultValue 15000 */
  heartbeatMs?: number;
};

export type ApiServer = FastifyInstance;

/** The HTTP API as a fastify instance, not listening: `inject` it in tests, `listen` it in startApi. */
export function createApiServer(opts: ApiServerOptions): ApiServer {
  const { producer } = opts;
  if (!opts.tokens.length && !opts.allowNoAuth)
    throw new Error('createApiServer: no tokens given; pass allowNoAuth: true to serve without auth');
  const bodyLimit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const logger = opts.logger ?? createLogger({ level: 'silent' });
  const app: FastifyInstance = Fastify({
    bodyLimit,
    exposeHeadRoutes: false,
    loggerInstance: logger as FastifyBaseLogger,
  });
  // JSON only: with the text parser gone, any other content type is a 415 before the handler.
  app.removeContentTypeParser('text/plain');

  const hub =
    opts.hub ??
    createStateHub({
      store: producer.ops.store,
      connect: () => opts.subscriber ?? producer.ops.newSubscriber(),
      closeConnection: !opts.subscriber,
      onListenerError: (err) => logger.error({ err }, 'events: a listener failed'),
    });
  const streams = new Set<ServerResponse>();
  const checkToken = opts.tokens.length ? createTokenCheck(opts.tokens) : undefined;

  // Set for every request by the hook below; a route reads it to scope what the caller sees.
  app.decorateRequest('caller');
  // onRequest runs before the body is read: an unauthenticated client cannot make us parse anything.
  app.addHook('onRequest', async (request, reply) => {
    if (!checkToken) {
      // Without auth (loopback only) every caller is an operator.
      request.caller = OPERATOR;
      return;
    }
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    const verdict = checkToken(request.headers.authorization);
    if (verdict.ok) {
      request.caller = verdict.caller;
      return;
    }
    reply.header('www-authenticate', bearerChallenge(verdict.reason));
    const detail =
      verdict.reason === 'missing'
        ? 'send Authorization: Bearer <token>'
        : 'the bearer token is not one this API accepts';
    return sendProblem(reply, problem('unauthorized', detail, instanceOf(request.url)));
  });

  app.setErrorHandler<FastifyError>((err, request, reply) => {
    const p = problemOfError(err, instanceOf(request.url), bodyLimit);
    if (p.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: err.code, status: p.status }, 'request refused');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = instanceOf(request.url);
    return sendProblem(reply, problem('not-found', `no route ${request.method} ${path}`, path));
  });

  registerGenerationRoutes(app, producer);
  registerTenantRoutes(app, producer);
  registerEventsRoute(app, {
    producer,
    hub,
    streams,
    heartbeatMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
  });

  const openapi = buildOpenApiDocument();
  app.get('/openapi.json', async (_request, reply) => reply.send(openapi));
  app.get('/healthz', async (request, reply) => {
    const ok = await Promise.race([
      producer.ops.ping().then(
        () => true,
        () => false,
      ),
      sleep(HEALTH_PING_TIMEOUT_MS, false, { ref: false }),
    ]);
    if (ok) return reply.send({ status: 'ok' });
    return sendProblem(reply, problem('unavailable', 'Redis does not answer', instanceOf(request.url)));
  });

  // Open event streams would hold `close` forever; end them (clients reconnect elsewhere).
  app.addHook('preClose', async () => {
    for (const res of [...streams]) res.end();
  });
  app.addHook('onClose', async () => {
    if (!opts.hub) await hub.close();
  });
  return app;
}
