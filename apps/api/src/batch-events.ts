/**
 * `GET /v1/batches/:id/events`: server-sent events of a batch's counts. Opens with `event: batch`
 * carrying the batch as it is now (as GET /v1/batches/:id answers it), then one `event: batch`
 * after members change state, coalesced (at most one per `intervalMs`), and closes after the
 * event whose state is final (`completed` or `canceled`), at once when the batch has ended.
 * Each event is the whole batch, so a reconnecting client needs no Last-Event-ID: its first
 * event is the state of the world.
 * Changes come from the shared state hub, which passes on a member's change under its batch id;
 * the batch is read only after one (or after the hub's subscription came back from a Redis
 * reconnect), so an idle stream costs no Redis command: its heartbeat is a comment line.
 */
import type { ServerResponse } from 'node:http';
import type { Batch, BatchState } from '@reelay/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiProducer } from './api-deps.ts';
import { sees } from './auth.ts';
import { batchNotFound } from './batch-routes.ts';
import { problem, sendProblem, UNAVAILABLE_RETRY_AFTER_S } from './problem.ts';
import type { StateHub } from './state-hub.ts';
import { SSE_HEADERS, sseComment, sseEvent } from './state-sequence.ts';

/** @defaultValue 200 ms: a 10,000-member batch moving fast sends at most five events a second. */
export const DEFAULT_BATCH_EVENTS_INTERVAL_MS = 200;

/** The states after which a batch's stream closes. */
export const isFinalBatchState = (state: BatchState): boolean =>
  state === 'completed' || state === 'canceled';

export const sseBatchEvent = (batch: Batch): string => sseEvent('batch', batch);

export type BatchStreamDeps = {
  producer: ApiProducer;
  hub: StateHub;
  streams: Set<ServerResponse>;
  heartbeatMs: number;
  intervalMs: number;
};

export async function openBatchStream(
  deps: BatchStreamDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
  instance: string,
  release: () => void,
  started: () => void,
) {
  const { producer, hub, streams } = deps;
  // Listen before reading, so no change falls between the read and the subscription.
  let changed: (() => void) | undefined;
  let early = false;
  const onChange = () => {
    if (changed) changed();
    else early = true;
  };
  let off: () => void;
  try {
    off = await hub.listen(id, onChange, onChange);
  } catch (err) {
    request.log.error({ err }, 'events: subscribing to state changes failed');
    reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    return sendProblem(reply, problem('unavailable', 'state changes cannot be followed right now', instance));
  }
  let batch: Batch | undefined;
  try {
    batch = await producer.getBatch(id);
  } catch (e) {
    off();
    throw e;
  }
  // Another tenant's batch answers exactly as an unknown one does.
  if (!batch || !sees(request.caller, batch.tenant)) {
    off();
    return sendProblem(reply, batchNotFound(id, instance));
  }

  reply.hijack();
  const res = reply.raw;
  if (!res.socket || res.socket.destroyed) {
    off();
    return;
  }
  res.writeHead(200, SSE_HEADERS);
  let heartbeat: NodeJS.Timeout | undefined;
  let pending: NodeJS.Timeout | undefined;
  let reading = false;
  let dirty = false;
  let finished = false;
  let lastSent = JSON.stringify(batch);
  let lastSentAt = Date.now();
  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    clearTimeout(pending);
    off();
    streams.delete(res);
    release();
    if (!res.writableEnded) res.end();
  };
  res.on('close', finish);
  res.on('error', finish);
  streams.add(res);
  started();

  res.write(sseBatchEvent(batch));
  if (isFinalBatchState(batch.state)) return finish();

  /** Reads the batch and sends it if it changed; a change during the read schedules another. */
  const flush = async () => {
    pending = undefined;
    reading = true;
    dirty = false;
    try {
      const now = await producer.getBatch(id);
      if (finished) return;
      // Its record expired: nothing more will come.
      if (!now) return finish();
      const json = JSON.stringify(now);
      if (json !== lastSent) {
        res.write(sseBatchEvent(now));
        lastSent = json;
        lastSentAt = Date.now();
      }
      if (isFinalBatchState(now.state)) finish();
    } catch (err) {
      // The next change (or the hub's resubscription after Redis is back) reads again.
      request.log.warn({ err, id }, 'events: reading the batch failed');
    } finally {
      reading = false;
      if (dirty) schedule();
    }
  };
  const schedule = () => {
    if (finished) return;
    if (reading) {
      dirty = true;
      return;
    }
    if (pending) return;
    pending = setTimeout(flush, Math.max(0, lastSentAt + deps.intervalMs - Date.now()));
  };
  changed = schedule;
  if (early) schedule();
  heartbeat = setInterval(() => {
    if (!finished) res.write(sseComment('heartbeat'));
  }, deps.heartbeatMs);
}
