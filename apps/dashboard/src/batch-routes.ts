import { isBatchId } from '@reelay/contracts';
import type { Logger } from '@reelay/core';
import type { Producer } from '@reelay/producer';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import {
  type BatchSummary,
  type BatchView,
  batchesPage,
  batchNotFoundPage,
  batchPage,
  batchRetryPurpose,
  type NavPages,
  type RetryOutcome,
} from './batches-page.ts';
import { type FormTokens, sameOriginPost } from './form-guard.ts';
import { PAGE_CSP } from './page-layout.ts';
import { redactForDisplay } from './redaction.ts';
import type { Bounded } from './unavailable.ts';
import { pauseOf, type UpstreamAdmin } from './upstream-routes.ts';

/** What the batch pages read, and their one action: the producer's batch store and retry. */
export type BatchAdmin = Pick<Producer['ops'], 'batches' | 'retryFailedMembers'>;

export type BatchRoutesDeps = {
  admin: BatchAdmin;
  basePath: string;
  tokens: FormTokens;
  nav: NavPages;
  logger?: Logger;
  now?: () => number;
  /** The upstream pause: the banner (the nav's link is `nav.upstream`). */
  upstream?: Pick<UpstreamAdmin, 'get'>;
  bounded: Bounded;
};

/** How many recent batches the list shows, and members a batch page shows at once. */
export const RECENT_BATCHES = 100;
export const MEMBERS_PAGE = 100;
const FORM_BODY_LIMIT = 4_096;
const CURSOR = /^\d{1,9}$/;

type BatchRequest = { Params: { id: string }; Querystring: { cursor?: string | string[] } };
type RetryRequest = { Params: { id: string }; Body: Record<string, string> | undefined };

/**
 * `<base>/batches` (HTML) and `<base>/batches.json`: the recent batches. `<base>/batches/:id`
 * (HTML) and `<base>/batches/:id.json`: one batch, a page of its members (`?cursor=`), and
 * batch.completed's delivery. `POST <base>/batches/:id/retry-failed` with a `csrf` field retries
 * its failed members and answers the batch page with what was retried and skipped. A post must
 * come from the dashboard's own page (form-guard.ts); authentication is the root hook's. Every
 * value shown is redacted (a webhook URL may carry a token).
 */
export function batchRoutes(deps: BatchRoutesDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  const store = deps.admin.batches;
  const token = (id: string) => deps.tokens.issue(batchRetryPurpose(id));

  const bounded = deps.bounded;
  const banner = async () => {
    const upstreamPause = await pauseOf(deps.upstream);
    return upstreamPause ? { upstreamPause } : {};
  };

  async function viewOf(id: string, cursor: string | undefined): Promise<BatchView | undefined> {
    const record = isBatchId(id) ? await store.get(id) : undefined;
    if (!record) return undefined;
    const [members, attempts] = await Promise.all([
      store.members(id, { limit: MEMBERS_PAGE, ...(cursor ? { cursor } : {}) }),
      store.deliveryAttempts(id),
    ]);
    return redactForDisplay({
      batch: summaryOf(record),
      members,
      attempts,
      ...(cursor ? { cursor } : {}),
    });
  }

  return async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    app.get('/batches', async (_req, reply) => {
      const [recent, pause] = await bounded('batches page', () =>
        Promise.all([store.recent(RECENT_BATCHES), banner()]),
      );
      const batches = recent.map(summaryOf);
      return page(reply, 200).send(
        batchesPage(redactForDisplay(batches), {
          basePath: deps.basePath,
          nav: deps.nav,
          now: now(),
          ...pause,
        }),
      );
    });

    app.get('/batches.json', async (_req, reply) => {
      reply.header('cache-control', 'no-store');
      const recent = await bounded('batches', () => store.recent(RECENT_BATCHES));
      return { batches: redactForDisplay(recent.map(summaryOf)) };
    });

    app.get<BatchRequest>('/batches/:id', async (req, reply) => {
      const json = req.params.id.endsWith('.json');
      const id = json ? req.params.id.slice(0, -'.json'.length) : req.params.id;
      const raw = req.query.cursor;
      const cursor = Array.isArray(raw) ? raw[0] : raw;
      if (cursor !== undefined && !CURSOR.test(cursor)) {
        const message = 'cursor: must be a cursor from a previous page (the index of a member)';
        return json
          ? reply.code(400).header('cache-control', 'no-store').send({ error: 'bad_cursor', message })
          : refuse(reply, 400, `${message}\n`);
      }
      const [view, pause] = await bounded('batch page', () =>
        Promise.all([viewOf(id, cursor && cursor !== '0' ? cursor : undefined), json ? {} : banner()]),
      );
      if (json) {
        reply.header('cache-control', 'no-store');
        if (!view) return reply.code(404).send({ error: 'not_found', message: `no batch ${id}` });
        return {
          batch: view.batch,
          delivery: {
            wanted: view.batch.wantsCompleted,
            ...(view.batch.delivery ? { state: view.batch.delivery } : {}),
            attempts: view.attempts,
          },
          members: view.members,
        };
      }
      if (!view)
        return page(reply, 404).send(
          batchNotFoundPage(id, { basePath: deps.basePath, nav: deps.nav, ...pause }),
        );
      return page(reply, 200).send(
        batchPage(view, { basePath: deps.basePath, nav: deps.nav, token, ...pause }),
      );
    });

    app.post<RetryRequest>('/batches/:id/retry-failed', async (req, reply) => {
      const id = req.params.id;
      const origin = sameOriginPost(req.headers);
      const log = { batch: id, ip: req.ip };
      if (!origin.ok) {
        deps.logger?.warn({ ...log, reason: origin.reason }, 'dashboard: refused a batch action');
        return refuse(reply, 403, `${origin.reason}\n`);
      }
      if (!deps.tokens.verify(batchRetryPurpose(id), req.body?.csrf)) {
        const reason =
          'the form token is missing or not this dashboard’s: reload the batch page and try again';
        deps.logger?.warn({ ...log, reason }, 'dashboard: refused a batch action');
        return refuse(reply, 403, `${reason}\n`);
      }
      if (!isBatchId(id) || !(await bounded('batch retry', () => store.get(id))))
        return page(reply, 404).send(batchNotFoundPage(id, { basePath: deps.basePath, nav: deps.nav }));
      // Not under the page's deadline (a large batch takes longer); its connection errors still
      // answer 503 (unavailable.ts).
      const retry: RetryOutcome = await deps.admin.retryFailedMembers(id);
      deps.logger?.info(
        { batch: id, retried: retry.retried.length, skipped: retry.skipped.length },
        'dashboard: retried failed batch members',
      );
      const [view, pause] = await bounded('batch page', () => Promise.all([viewOf(id, undefined), banner()]));
      if (!view)
        return page(reply, 404).send(batchNotFoundPage(id, { basePath: deps.basePath, nav: deps.nav }));
      return page(reply, 200).send(
        batchPage(view, {
          basePath: deps.basePath,
          nav: deps.nav,
          token,
          retry: redactForDisplay(retry),
          ...pause,
        }),
      );
    });
  };
}

/** The public batch and the delivery state, without the store's other bookkeeping. */
function summaryOf(record: BatchSummary & { manifestRound?: number }): BatchSummary {
  const { manifestRound: _m, ...summary } = record;
  return summary;
}

function page(reply: FastifyReply, status: number): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('content-security-policy', PAGE_CSP)
    .type('text/html; charset=utf-8');
}

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/plain; charset=utf-8')
    .send(message);
}
