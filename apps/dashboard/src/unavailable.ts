import { isReelayUnavailable, ReelayUnavailableError } from '@reelay/contracts';
import type { Logger } from '@reelay/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html.ts';
import { boardUrls } from './job-links.ts';
import { layout, PAGE_CSP } from './page-layout.ts';

/** Retry-After of a 503 for an unavailable Redis: the API's, most outages are a restart of seconds. */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

/** ioredis' and Node's ways of saying the connection is down or a command took too long. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const CONNECTION_MESSAGES = /^(Command timed out|Connection is closed|Stream isn't writeable)/;

/**
 * Whether an error means Redis is unavailable, not that something is wrong with the request or
 * the dashboard: the producer's ReelayUnavailableError (its SDK calls, and the dashboard's own
 * deadline), or an ioredis connection failure from a plain read (the status store, the batch
 * store, the upstream pause, bull's queues). A reply error (WRONGTYPE, a script's error) is not.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (isReelayUnavailable(err)) return true;
  if (!(err instanceof Error) || err.name === 'ReplyError') return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (CONNECTION_MESSAGES.test(err.message)) return true;
  return CONNECTION_CODES.has((err as NodeJS.ErrnoException).code ?? '');
}

/** Runs one page's or action's Redis work within a deadline. */
export type Bounded = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

/**
 * A deadline for a whole page's Redis work, however many commands it sends: past `timeoutMs`,
 * or at once on a connection failure, it rejects with ReelayUnavailableError. A frozen Redis
 * (or a connection with no command timeout, as bull's may be) makes a 503, not a hang.
 */
export function redisDeadline(timeoutMs: number): Bounded {
  return (operation, run) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ReelayUnavailableError(operation, `no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref?.();
      run().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(
            isRedisUnavailable(err) && !isReelayUnavailable(err)
              ? new ReelayUnavailableError(operation, (err as Error).message, { cause: err })
              : err,
          );
        },
      );
    });
}

/** The HTML page a 503 answers a browser with. */
export function unavailablePage(basePath: string): string {
  return layout(
    'Redis unavailable',
    html`
<header><h1>Reelay · Redis unavailable</h1></header>
<main><section id="unavailable" class="error"><h2>Redis does not answer</h2>
<p>The dashboard could not read or change anything: Redis is down, restarting or too slow. Nothing was changed by this request unless Redis received it before the deadline; reload the page in a few seconds.</p>
<p class="hint"><a href="${boardUrls.find(basePath)}">Find a generation</a></p></section></main>`,
  );
}

/**
 * The error handler of the dashboard's own routes (not bull-board's): Redis unavailable answers
 * 503 with Retry-After, as JSON on the `.json` routes and as a page elsewhere; any other error
 * goes on to fastify's handler (a 500).
 */
export function unavailableHandler(basePath: string, logger?: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (!isRedisUnavailable(err)) throw err;
    logger?.warn({ method: req.method, url: req.url, message: err.message }, 'dashboard: Redis unavailable');
    reply
      .code(503)
      .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S))
      .header('cache-control', 'no-store');
    const path = req.url.split('?')[0] ?? '';
    if (path.endsWith('.json'))
      return reply.send({ error: 'redis_unavailable', message: 'Redis does not answer; try again later' });
    return reply
      .header('content-security-policy', PAGE_CSP)
      .type('text/html; charset=utf-8')
      .send(unavailablePage(basePath));
  };
}
