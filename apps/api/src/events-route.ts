/**
 * `GET /v1/generations/:id/events`: server-sent events. Opens with `event: state` for the
 * current state, then one `event: state` per change, and closes after a terminal state (a
 * tenant's token follows only its tenant's generations; others answer 404). Every
 * event has an `id:` (`<at>-<state>`); a reconnect with `Last-Event-ID` resumes after that
 * event: it gets only what it missed, and a stream whose generation ended meanwhile closes
 * right after sending that.
 * Changes come from the shared state hub. A heartbeat is only a comment line (no Redis command,
 * so an idle stream costs none); the record is re-read only when the hub says its subscription
 * came back after a Redis reconnect, so a change whose message was lost meanwhile still arrives
 * (while subscribed none is lost: the record writer publishes in the script that writes).
 * Streams are capped per process and per token; a slot is given back however the stream ends.
 * `GET /v1/batches/:id/events` (batch-events.ts) is registered here too: it shares the caps.
 */

import type { ServerResponse } from 'node:http';
import { isBatchId, isGenerationId } from '@reelay/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiProducer } from './api-deps.ts';
import { sees } from './auth.ts';
import { openBatchStream } from './batch-events.ts';
import { batchNotFound } from './batch-routes.ts';
import { generationNotFound } from './generation-routes.ts';
import { instanceOf, problem, sendProblem, UNAVAILABLE_RETRY_AFTER_S } from './problem.ts';
import type { StateHub } from './state-hub.ts';
import {
  createStateSequence,
  parseSseEventId,
  SSE_HEADERS,
  type StateEvent,
  sseComment,
  sseStateEvent,
} from './state-sequence.ts';

/** @defaultValue 15 s: below the idle timeouts of common proxies and load balancers (30-60 s). */
export const DEFAULT_HEARTBEAT_MS = 15_000;
/**
 * Defaults of the caps (API_MAX_STREAMS, API_MAX_STREAMS_PER_TOKEN). 1000 in total: a stream
 * holds a socket and ~55 KB (2,000 took the API from 185 to 297 MB RSS), so a process stays
 * within ~60 MB and 1000 descriptors of streams. 100 per token: one client cannot take more
 * than a tenth of that.
 */
export { DEFAULT_MAX_STREAMS, DEFAULT_MAX_STREAMS_PER_TOKEN } from './api-config.ts';
/** Retry-After (seconds) of the 429 and 503 a full stream cap answers. */
export const STREAMS_RETRY_AFTER_S = 10;

export type EventsRouteDeps = {
  producer: ApiProducer;
  hub: StateHub;
  heartbeatMs: number;
  /** Open streams, so closing the server can end them instead of waiting for clients. */
  streams: Set<ServerResponse>;
  /** Batch streams: the least time between two of a batch's events (changes are coalesced). */
  batchEventsIntervalMs: number;
  /** Streams (taken slots, including those still opening) allowed in total and per token. */
  maxStreams: number;
  maxStreamsPerToken: number;
};

export function registerEventsRoute(app: FastifyInstance, deps: EventsRouteDeps): void {
  const { producer, hub, streams } = deps;
  // Slots by token index (see auth.ts); never the token itself.
  const perToken = new Map<number, number>();
  let taken = 0;
  /** A release function (idempotent) or the problem kind that refuses the stream. */
  const takeSlot = (token: number): (() => void) | 'too-many-streams' | 'streams-full' => {
    const mine = perToken.get(token) ?? 0;
    if (mine >= deps.maxStreamsPerToken) return 'too-many-streams';
    if (taken >= deps.maxStreams) return 'streams-full';
    perToken.set(token, mine + 1);
    taken++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      taken--;
      const left = (perToken.get(token) ?? 1) - 1;
      if (left > 0) perToken.set(token, left);
      else perToken.delete(token);
    };
  };

  /**
   * Takes a stream slot and runs `open`, or answers the cap's 429/503. The slot is given back on
   * every way out until `open` calls `started` (the stream's own finish takes that over).
   */
  async function withSlot(
    request: FastifyRequest,
    reply: FastifyReply,
    instance: string,
    open: (release: () => void, started: () => void) => Promise<unknown>,
  ) {
    const slot = takeSlot(request.tokenIndex);
    if (typeof slot === 'string') {
      const limit = slot === 'too-many-streams' ? deps.maxStreamsPerToken : deps.maxStreams;
      request.log.warn({ limit, kind: slot }, 'events: stream refused, cap reached');
      reply.header('retry-after', String(STREAMS_RETRY_AFTER_S));
      const detail =
        slot === 'too-many-streams'
          ? `this token already has ${limit} events streams open; close one or retry later`
          : `this API process already has ${limit} events streams open; retry later`;
      return sendProblem(reply, problem(slot, detail, instance, { limit }));
    }
    let streaming = false;
    try {
      return await open(slot, () => {
        streaming = true;
      });
    } finally {
      if (!streaming) slot();
    }
  }

  app.get<{ Params: { id: string } }>('/v1/generations/:id/events', async (request, reply) => {
    const { id } = request.params;
    const instance = instanceOf(request.url);
    if (!isGenerationId(id)) return sendProblem(reply, generationNotFound(id, instance));
    return withSlot(request, reply, instance, (release, started) =>
      openStream(request, reply, id, instance, release, started),
    );
  });

  app.get<{ Params: { id: string } }>('/v1/batches/:id/events', async (request, reply) => {
    const { id } = request.params;
    const instance = instanceOf(request.url);
    if (!isBatchId(id)) return sendProblem(reply, batchNotFound(id, instance));
    return withSlot(request, reply, instance, (release, started) =>
      openBatchStream(
        { producer, hub, streams, heartbeatMs: deps.heartbeatMs, intervalMs: deps.batchEventsIntervalMs },
        request,
        reply,
        id,
        instance,
        release,
        started,
      ),
    );
  });

  async function openStream(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    instance: string,
    release: () => void,
    started: () => void,
  ) {
    // Listen before reading, so no change falls between the read and the subscription; the
    // sequence drops whatever the read already showed.
    const early: StateEvent[] = [];
    let deliver: ((e: StateEvent) => void) | undefined;
    let resync: (() => void) | undefined;
    let resyncMissed = false;
    let off: () => void;
    try {
      off = await hub.listen(
        id,
        (change) => (deliver ? deliver(change) : early.push(change)),
        // One that comes while the stream opens may follow a read that came too early: kept for later.
        () => {
          if (resync) resync();
          else resyncMissed = true;
        },
      );
    } catch (err) {
      request.log.error({ err }, 'events: subscribing to state changes failed');
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
      return sendProblem(
        reply,
        problem('unavailable', 'state changes cannot be followed right now', instance),
      );
    }
    let status: Awaited<ReturnType<ApiProducer['getStatus']>>;
    try {
      status = await producer.getStatus(id);
    } catch (e) {
      off();
      throw e;
    }
    // Another tenant's generation answers exactly as an unknown one does.
    if (!status || !sees(request.caller, status.tenant)) {
      off();
      return sendProblem(reply, generationNotFound(id, instance));
    }

    reply.hijack();
    const res = reply.raw;
    // The client may have gone while we read; its 'close' has fired already and would not again.
    if (!res.socket || res.socket.destroyed) {
      off();
      return;
    }
    res.writeHead(200, SSE_HEADERS);
    const lastEventId = request.headers['last-event-id'];
    const sequence = createStateSequence(
      status,
      parseSseEventId(Array.isArray(lastEventId) ? lastEventId.at(-1) : lastEventId),
    );
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      off();
      streams.delete(res);
      release();
      if (!res.writableEnded) res.end();
    };
    const send = (e: StateEvent | undefined) => {
      if (!e || finished) return;
      res.write(sseStateEvent(e));
      if (sequence.done) finish();
    };
    res.on('close', finish);
    res.on('error', finish);
    streams.add(res);
    started();

    // All of the opening goes out before the done check: a resumed stream may miss several.
    for (const e of sequence.opening) res.write(sseStateEvent(e));
    // Finished (possibly before a reconnect, whose opening is then empty): close now.
    if (sequence.done) finish();
    if (finished) return;
    deliver = (change) => send(sequence.next(change));
    for (const change of early.splice(0)) deliver(change);
    if (finished) return;

    // After a reconnect the subscription is back, but a change published while it was down is
    // lost: read the record once; the sequence drops what was already sent.
    resync = () => {
      if (finished) return;
      producer.getStatus(id).then(
        (now) => {
          if (!now) return finish();
          for (const entry of now.timeline) send(sequence.next(entry));
        },
        (err: unknown) => request.log.warn({ err, id }, 'events: re-reading the record failed'),
      );
    };
    if (resyncMissed) resync();
    timer = setInterval(() => {
      if (!finished) res.write(sseComment('heartbeat'));
    }, deps.heartbeatMs);
  }
}
