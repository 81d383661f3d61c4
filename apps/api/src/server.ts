import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type Logger } from '@reelay/core';
import { isReelayUnavailable } from '@reelay/producer';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Redis } from 'ioredis';
import { type ApiToken, DEFAULT_BODY_LIMIT_BYTES } from './api-config.ts';
import type { ApiProducer } from './api-deps.ts';
import { bearerChallenge, type Caller, createTokenCheck, OPERATOR } from './auth.ts';
import { DEFAULT_BATCH_EVENTS_INTERVAL_MS } from './batch-events.ts';
import { DEFAULT_BATCH_BODY_LIMIT_BYTES, registerBatchRoutes } from './batch-routes.ts';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_STREAMS,
  DEFAULT_MAX_STREAMS_PER_TOKEN,
  registerEventsRoute,
} from './events-route.ts';
import { registerGenerationRoutes } from './generation-routes.ts';
import { buildOpenApiDocument } from './openapi.ts';
import {
  instanceOf,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problem,
  problemOfError,
  sendProblem,
  UNAVAILABLE_RETRY_AFTER_S,
} from './problem.ts';
import { createStateHub, type StateHub } from './state-hub.ts';
import { registerTenantRoutes } from './tenant-routes.ts';

const HEALTH_PING_TIMEOUT_MS = 2_000;
/** Routes anyone may call: load balancers probe health, code generators fetch the document. */
const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/openapi.json']);
/** How long a connection refused by `clientError` may stay half-open for the client to read the answer. */
const CLIENT_ERROR_LINGER_MS = 1_000;

/** A route's path as fastify writes it (`/v1/generations/:id`) as a test for concrete paths. */
const routePattern = (url: string): RegExp =>
  new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}$`);

/** The request path of a raw request Node refused before parsing it (for `instance`), else `/`. */
function rawInstance(rawPacket: unknown): string {
  // A Buffer at run time (fastify's types say otherwise).
  if (!Buffer.isBuffer(rawPacket)) return '/';
  const target = rawPacket.toString('latin1').match(/^[A-Z]+ (\/\S*) HTTP\//)?.[1];
  return target ? instanceOf(target) : '/';
}

/**
 * What Node's HTTP parser refuses before fastify sees a request (headers over the size limit, a
 * request that is not HTTP, one that took too long), as problem+json instead of fastify's plain
 * JSON. The connection closes after the answer: the parser cannot continue past the error.
 */
function clientErrorProblem(err: { code?: string; rawPacket?: unknown }): Problem {
  const instance = rawInstance(err.rawPacket);
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return problem('headers-too-large', 'the request headers are larger than this server accepts', instance);
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return problem('bad-request', 'the request was not received in time', instance, { status: 408 });
  return problem('bad-request', 'the request is not valid HTTP/1.1', instance);
}

function answerClientError(socket: Socket, p: Problem): void {
  const body = JSON.stringify(p);
  socket.end(
    `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status] ?? ''}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // end() leaves the socket half-open until the client closes its side; do not wait forever.
  setTimeout(() => socket.destroy(), CLIENT_ERROR_LINGER_MS).unref();
}

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
  /** The body limit of POST /v1/batches (10,000 items): at least `bodyLimitBytes`. @defaultValue 32 MiB */
  batchBodyLimitBytes?: number;
  /** Least time between two events of a batch's events stream (changes are coalesced). @defaultValue 200 */
  batchEventsIntervalMs?: number;
  /** Request and error log; never sees tokens. @defaultValue silent */
  logger?: Logger;
  /** A connection for the state-change subscription; the server neither opens nor closes it. @defaultValue a duplicate of the producer's, opened on the first events stream and closed with the server */
  subscriber?: Redis;
  /** A state hub to share (overrides `subscriber`); the caller closes it. */
  hub?: StateHub;
  /** Interval of heartbeat comments on events streams. @defaultValue 15000 */
  heartbeatMs?: number;
  /** API_MAX_STREAMS: open events streams in total; more answer 503 streams-full. @defaultValue 1000 */
  maxStreams?: number;
  /** API_MAX_STREAMS_PER_TOKEN: open events streams per token; more answer 429 too-many-streams. @defaultValue 100 */
  maxStreamsPerToken?: number;
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
    // Fastify's own request lines log the raw request and response objects (which serialize as
    // `{}`); accessLine below logs one line per request with what an operator reads instead.
    logController: new LogController({ disableRequestLogging: true }),
    // While closing, the hook below answers problem+json instead of fastify's plain JSON 503.
    return503OnClosing: false,
    clientErrorHandler(err, socket) {
      // A reset connection has nobody to answer.
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || socket.destroyed) return;
      const p = clientErrorProblem(err);
      logger.info(
        { code: (err as NodeJS.ErrnoException).code, status: p.status },
        'request refused by the HTTP parser',
      );
      if (socket.writable) answerClientError(socket as Socket, p);
      else socket.destroy();
    },
  });
  // Node answers `Expect: 100-continue` with 100 Continue before any route runs, so a client then
  // sends a body that will be refused (413 after auth) and meets a reset. Handling the event
  // ourselves defers the 100 to preParsing below: sent only once auth passed and the declared
  // body fits the limit, just before the body is read.
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    app.server.emit('request', req, res);
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

  // Every registered route's methods, so an unknown method on a known path is a 405, not a 404.
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    const known = routes.find((r) => r.pattern.source === routePattern(route.url).source);
    if (known) known.methods.push(...methods);
    else routes.push({ pattern: routePattern(route.url), methods });
  });

  // Set by preClose: from then on every request, on any connection still open, answers 503.
  let closing = false;
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    return sendProblem(
      reply,
      problem(
        'shutting-down',
        'this API process is shutting down; send the request again',
        instanceOf(request.url),
      ),
    );
  });

  // Set for every request by the hook below; a route reads it to scope what the caller sees.
  app.decorateRequest('caller');
  app.decorateRequest('tokenIndex', -1);
  // onRequest runs before the body is read: an unauthenticated client cannot make us parse anything.
  app.addHook('onRequest', async (request, reply) => {
    if (!checkToken) {
      // Without auth (loopback only) every caller is an operator.
      request.caller = OPERATOR;
      request.tokenIndex = -1;
      return;
    }
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    const verdict = checkToken(request.headers.authorization);
    if (verdict.ok) {
      request.caller = verdict.caller;
      request.tokenIndex = verdict.token;
      return;
    }
    reply.header('www-authenticate', bearerChallenge(verdict.reason));
    const detail =
      verdict.reason === 'missing'
        ? 'send Authorization: Bearer <token>'
        : 'the bearer token is not one this API accepts';
    return sendProblem(reply, problem('unauthorized', detail, instanceOf(request.url)));
  });

  // The deferred 100 Continue (see checkContinue above): the body is about to be read. A declared
  // length over the limit gets none; the body parser then answers 413 without reading.
  app.addHook('preParsing', async (request, reply) => {
    if (request.headers.expect?.toLowerCase() !== '100-continue' || reply.raw.headersSent) return;
    const declared = Number(request.headers['content-length']);
    if (!(declared > (request.routeOptions.bodyLimit ?? bodyLimit))) reply.raw.writeContinue();
  });

  app.setErrorHandler<FastifyError>((err, request, reply) => {
    // Any route's producer call that Redis did not answer in time (or at all): 503, not 500.
    if (isReelayUnavailable(err)) {
      request.log.warn({ operation: err.operation, message: err.message }, 'Redis unavailable');
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
      return sendProblem(
        reply,
        problem('unavailable', 'Redis does not answer; try again later', instanceOf(request.url)),
      );
    }
    const p = problemOfError(err, instanceOf(request.url), request.routeOptions.bodyLimit ?? bodyLimit);
    if (p.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: err.code, status: p.status }, 'request refused');
    return sendProblem(reply, p);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = instanceOf(request.url);
    const allow = routes.find((r) => r.pattern.test(path))?.methods;
    if (allow) {
      reply.header('allow', allow.join(', '));
      return sendProblem(
        reply,
        problem(
          'method-not-allowed',
          `${path} does not allow ${request.method}; it allows ${allow.join(', ')}`,
          path,
          {
            allow,
          },
        ),
      );
    }
    return sendProblem(reply, problem('not-found', `no route ${request.method} ${path}`, path));
  });

  registerGenerationRoutes(app, producer);
  registerTenantRoutes(app, producer);
  registerBatchRoutes(app, producer, {
    bodyLimitBytes: Math.max(bodyLimit, opts.batchBodyLimitBytes ?? DEFAULT_BATCH_BODY_LIMIT_BYTES),
  });
  registerEventsRoute(app, {
    producer,
    hub,
    streams,
    heartbeatMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    batchEventsIntervalMs: opts.batchEventsIntervalMs ?? DEFAULT_BATCH_EVENTS_INTERVAL_MS,
    maxStreams: opts.maxStreams ?? DEFAULT_MAX_STREAMS,
    maxStreamsPerToken: opts.maxStreamsPerToken ?? DEFAULT_MAX_STREAMS_PER_TOKEN,
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
    reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    return sendProblem(reply, problem('unavailable', 'Redis does not answer', instanceOf(request.url)));
  });

  // Open event streams would hold `close` forever; end them (clients reconnect elsewhere).
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(accessLine(request, reply), 'request served');
  });

  app.addHook('preClose', async () => {
    closing = true;
    for (const res of [...streams]) res.end();
  });
  app.addHook('onClose', async () => {
    if (!opts.hub) await hub.close();
  });
  return app;
}

/**
 * One access-log line: method, the route's template (never the raw URL: a path or query may
 * carry ids, cursors or a token by mistake), status and time. An unrouted request logs `-`.
 */
export function accessLine(
  request: Pick<FastifyRequest, 'method' | 'routeOptions'> & { caller?: Caller | undefined },
  reply: Pick<FastifyReply, 'statusCode' | 'elapsedTime'>,
): { method: string; route: string; status: number; ms: number; tenant?: string } {
  const caller = request.caller;
  const tenant = caller ? (caller.operator ? '*' : caller.tenant) : undefined;
  return {
    method: request.method,
    route: request.routeOptions?.url ?? '-',
    status: reply.statusCode,
    ms: Math.round(reply.elapsedTime * 10) / 10,
    ...(tenant ? { tenant } : {}),
  };
}
