import type { Logger, UpstreamPause, UpstreamPauseStore } from '@reelay/core';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { type FormTokens, sameOriginPost } from './form-guard.ts';
import { boardUrls } from './job-links.ts';
import { PAGE_CSP } from './page-layout.ts';
import { redactForDisplay } from './redaction.ts';
import type { Bounded } from './unavailable.ts';
import {
  OPERATOR_PAUSE_CODE,
  parseReason,
  type UpstreamAction,
  type UpstreamNotice,
  upstreamFormPurpose,
  upstreamPage,
} from './upstream-page.ts';

/** What the upstream page reads and changes: the producer's upstream pause (producer.ops.upstream). */
export type UpstreamAdmin = Pick<UpstreamPauseStore, 'get' | 'pause' | 'resume'>;

/**
 * The one read every page makes for its banner (none without an upstream store), redacted: an
 * automatic pause's reason is the upstream's answer, which might echo a credential.
 */
export async function pauseOf(
  upstream: Pick<UpstreamAdmin, 'get'> | undefined,
): Promise<UpstreamPause | undefined> {
  return upstream ? redactForDisplay(await upstream.get()) : undefined;
}

export type UpstreamRoutesDeps = {
  upstream: UpstreamAdmin;
  basePath: string;
  tokens: FormTokens;
  bounded: Bounded;
  nav: { tenants: boolean; batches: boolean };
  logger?: Logger;
  now?: () => number;
};

type PageQuery = { Querystring: { done?: string } };
type ActionRequest = { Params: { action: string }; Body: Record<string, string> | undefined };

const ACTIONS: ReadonlySet<string> = new Set<UpstreamAction>(['pause', 'resume']);
const NOTICES: ReadonlySet<string> = new Set<UpstreamNotice>(['paused', 'resumed', 'not-paused']);
/** A reason (300 characters, percent-encoded at most 9 bytes each) and a token. */
const FORM_BODY_LIMIT = 4_096;

/**
 * `<base>/upstream` (HTML), `<base>/upstream.json`, and the page's forms: `POST
 * <base>/upstream/pause` with `reason` and `csrf` fields, `POST <base>/upstream/resume` with
 * `csrf`, answered with a 303 back to the page. Guarded as the tenant forms are (form-guard.ts:
 * same origin, and the token issued for that action); authentication is the root hook's. A pause
 * made here is an operator's, as `reelay upstream pause`: no probe ends it, only a resume.
 */
export function upstreamRoutes(deps: UpstreamRoutesDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  return async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    app.get<PageQuery>('/upstream', async (req, reply) => {
      const pause = await deps.bounded('upstream page', () => pauseOf(deps.upstream));
      const done = req.query.done;
      return reply
        .header('cache-control', 'no-store')
        .header('content-security-policy', PAGE_CSP)
        .type('text/html; charset=utf-8')
        .send(
          upstreamPage(pause, {
            basePath: deps.basePath,
            token: (action) => deps.tokens.issue(upstreamFormPurpose(action)),
            now: now(),
            nav: deps.nav,
            ...(typeof done === 'string' && NOTICES.has(done) ? { notice: done as UpstreamNotice } : {}),
          }),
        );
    });

    app.get('/upstream.json', async (_req, reply) => {
      reply.header('cache-control', 'no-store');
      const pause = await deps.bounded('upstream status', () => pauseOf(deps.upstream));
      return pause ? { paused: true, ...pause } : { paused: false };
    });

    app.post<ActionRequest>('/upstream/:action', async (req, reply) => {
      const action = req.params.action;
      if (!ACTIONS.has(action)) return refuse(reply, 404, 'no such upstream action: use pause or resume\n');
      const origin = sameOriginPost(req.headers);
      const log = { action, ip: req.ip };
      if (!origin.ok) {
        deps.logger?.warn({ ...log, reason: origin.reason }, 'dashboard: refused an upstream action');
        return refuse(reply, 403, `${origin.reason}\n`);
      }
      if (!deps.tokens.verify(upstreamFormPurpose(action as UpstreamAction), req.body?.csrf)) {
        const reason =
          'the form token is missing or not this dashboard’s: reload the upstream page and try again';
        deps.logger?.warn({ ...log, reason }, 'dashboard: refused an upstream action');
        return refuse(reply, 403, `${reason}\n`);
      }
      let notice: UpstreamNotice;
      if (action === 'pause') {
        const parsed = parseReason(req.body?.reason);
        if (!parsed.ok) return refuse(reply, 400, `${parsed.problem}\n`);
        await deps.bounded('upstream pause', () =>
          deps.upstream.pause({ by: 'operator', code: OPERATOR_PAUSE_CODE, reason: parsed.reason }),
        );
        deps.logger?.warn({ reason: parsed.reason, ip: req.ip }, 'dashboard: upstream paused by an operator');
        notice = 'paused';
      } else {
        const was = await deps.bounded('upstream resume', () => deps.upstream.resume());
        deps.logger?.info({ was, ip: req.ip }, 'dashboard: upstream resumed by an operator');
        notice = was ? 'resumed' : 'not-paused';
      }
      return reply
        .header('cache-control', 'no-store')
        .redirect(`${boardUrls.upstream(deps.basePath)}?done=${notice}`, 303);
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
