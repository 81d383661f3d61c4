/**
 * `GET /v1/generations/:id/events`: server-sent events. Opens with `event: state` for the
 * current state, then one `event: state` per change, and closes after a terminal state (a
 * tenant's token follows only its tenant's generations; others answer 404). Every
 * event has an `id:` (`<at>-<state>`); a reconnect with `Last-Event-ID` resumes after that
 * event: it gets only what it missed, and a stream whose generation ended meanwhile closes
 * right after sending that.
 * Changes come from the shared state hub; every heartbeat (a comment line) also re-reads the
 * record, so a change whose pub/sub message was lost (a Redis reconnect) still arrives.
 */

import type { ServerResponse } from 'node:http';
import { isGenerationId } from '@reelay/contracts';
import type { FastifyInstance } from 'fastify';
import type { ApiProducer } from './api-deps.ts';
import { sees } from './auth.ts';
import { generationNotFound } from './generation-routes.ts';
import { instanceOf, problem, sendProblem, UNAVAILABLE_RETRY_AFTER_S } from './problem.ts';
import type { StateHub } from './state-hub.ts';
import {
  createStateSequence,
  parseSseEventId,
  type StateEvent,
  sseComment,
  sseStateEvent,
} from './state-sequence.ts';

/** @defaultValue 15 s: below the idle timeouts of common proxies and load balancers (30-60 s). */
export const DEFAULT_HEARTBEAT_MS = 15_000;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx buffers responses unless told not to; a buffered stream is no stream.
  'x-accel-buffering': 'no',
};

export type EventsRouteDeps = {
  producer: ApiProducer;
  hub: StateHub;
  heartbeatMs: number;
  /** Open streams, so closing the server can end them instead of waiting for clients. */
  streams: Set<ServerResponse>;
};

export function registerEventsRoute(app: FastifyInstance, deps: EventsRouteDeps): void {
  const { producer, hub, streams } = deps;

  app.get<{ Params: { id: string } }>('/v1/generations/:id/events', async (request, reply) => {
    const { id } = request.params;
    const instance = instanceOf(request.url);
    if (!isGenerationId(id)) return sendProblem(reply, generationNotFound(id, instance));

    // Listen before reading, so no change falls between the read and the subscription; the
    // sequence drops whatever the read already showed.
    const early: StateEvent[] = [];
    let deliver: ((e: StateEvent) => void) | undefined;
    let off: () => void;
    try {
      off = await hub.listen(id, (change) => (deliver ? deliver(change) : early.push(change)));
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

    // All of the opening goes out before the done check: a resumed stream may miss several.
    for (const e of sequence.opening) res.write(sseStateEvent(e));
    // Finished (possibly before a reconnect, whose opening is then empty): close now.
    if (sequence.done) finish();
    if (finished) return;
    deliver = (change) => send(sequence.next(change));
    for (const change of early.splice(0)) deliver(change);
    if (finished) return;

    timer = setInterval(() => {
      if (finished) return;
      res.write(sseComment('heartbeat'));
      producer.getStatus(id).then(
        (now) => {
          if (!now) return finish();
          for (const entry of now.timeline) send(sequence.next(entry));
        },
        (err: unknown) => request.log.warn({ err, id }, 'events: re-reading the record failed'),
      );
    }, deps.heartbeatMs);
  });
}
