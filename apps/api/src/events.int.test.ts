import { randomUUID } from 'node:crypto';
import { createStatusStore, type StatusStore } from '@reelay/core';
import type { Producer } from '@reelay/producer';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from './sse-client.ts';
import { createStateHub, type StateHub } from './state-hub.ts';
import {
  AUTH,
  createFixture,
  type Fixture,
  OPERATOR_AUTH,
  REDIS_URL,
  TOKENS,
  validRequest,
  waitFor,
} from './test-fixtures.ts';

let fx: Fixture;
let hub: StateHub;
let subscriber: Redis;
let base: string;
const streams: SseStream[] = [];

/** A server listening on loopback, with a hub the test can inspect (or deafen). */
async function start(
  opts: {
    heartbeatMs?: number;
    hubStore?: (producer: Producer) => StatusStore;
    maxStreams?: number;
    maxStreamsPerToken?: number;
  } = {},
) {
  subscriber = new Redis(REDIS_URL);
  fx = createFixture((producer) => {
    hub = createStateHub({
      store: opts.hubStore?.(producer) ?? producer.ops.store,
      connect: () => subscriber,
      closeConnection: false,
    });
    const { heartbeatMs, maxStreams, maxStreamsPerToken } = opts;
    return {
      hub,
      ...(heartbeatMs ? { heartbeatMs } : {}),
      ...(maxStreams ? { maxStreams } : {}),
      ...(maxStreamsPerToken ? { maxStreamsPerToken } : {}),
    };
  });
  base = await fx.app.listen({ host: '127.0.0.1', port: 0 });
}

async function enqueue(): Promise<string> {
  const res = await fetch(`${base}/v1/generations`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ request: validRequest() }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function follow(
  id: string,
  lastEventId?: string,
  auth: Record<string, string> = AUTH,
): Promise<SseStream> {
  const headers = lastEventId === undefined ? auth : { ...auth, 'last-event-id': lastEventId };
  const s = await openSse(`${base}/v1/generations/${id}/events`, headers);
  streams.push(s);
  return s;
}

const move = async (id: string, to: 'submitting' | 'running' | 'copying' | 'succeeded' | 'failed') =>
  expect((await fx.recordFixture.force(id, { state: to })).ok).toBe(true);

afterEach(async () => {
  for (const s of streams.splice(0)) await s.close();
  await fx.close();
  await hub.close();
  await subscriber.quit();
});

describe('GET /v1/generations/:id/events over a real socket', () => {
  it('sends the current state, then every change, and closes after the terminal one', async () => {
    await start();
    const id = await enqueue();
    const s = await follow(id);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.headers.get('cache-control')).toContain('no-cache');
    const opened = await s.nextEvent();
    expect(opened).toEqual({
      event: 'state',
      id: expect.stringMatching(/^\d+-queued$/),
      data: { id, state: 'queued', at: expect.any(Number) },
    });
    expect(opened?.id).toBe(`${(opened!.data as { at: number }).at}-queued`);

    for (const to of ['submitting', 'running', 'copying', 'succeeded'] as const) await move(id, to);
    const states: string[] = [];
    for (let e = await s.nextEvent(); e; e = await s.nextEvent()) {
      expect(e.event).toBe('state');
      states.push((e.data as { state: string }).state);
    }
    expect(states).toEqual(['submitting', 'running', 'copying', 'succeeded']);
    await waitFor(() => hub.listenerCount() === 0);
  });

  it('sends one event and closes for a generation already finished', async () => {
    await start();
    const id = await enqueue();
    await move(id, 'failed');
    const s = await follow(id);
    expect(await s.nextEvent()).toMatchObject({ data: { id, state: 'failed' } });
    expect(await s.next()).toBeUndefined();
  });

  it('ends the stream with canceled when the generation is canceled over HTTP', async () => {
    await start();
    const id = await enqueue();
    const s = await follow(id);
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'queued' } });
    const del = await fetch(`${base}/v1/generations/${id}`, { method: 'DELETE', headers: AUTH });
    expect(del.status).toBe(200);
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'canceled' } });
    expect(await s.next()).toBeUndefined();
  });

  it('shares one Redis subscription among all clients and fans changes out to each', async () => {
    await start();
    const [a, b] = [await enqueue(), await enqueue()];
    const streamsA = [await follow(a), await follow(a)];
    const streamB = await follow(b);
    for (const s of [...streamsA, streamB])
      expect(await s.nextEvent()).toMatchObject({ data: { state: 'queued' } });

    const channel = fx.producer.ops.store.keys.stateChanges;
    const [, subscribers] = (await fx.redis.pubsub('NUMSUB', channel)) as [string, number];
    expect(subscribers).toBe(1);
    expect(hub.listenerCount()).toBe(3);

    await move(a, 'submitting');
    await move(b, 'running');
    for (const s of streamsA)
      expect(await s.nextEvent()).toMatchObject({ data: { id: a, state: 'submitting' } });
    expect(await streamB.nextEvent()).toMatchObject({ data: { id: b, state: 'running' } });
  });

  it('removes the listener when the client goes away', async () => {
    await start();
    const id = await enqueue();
    const s = await follow(id);
    await s.nextEvent();
    expect(hub.listenerCount()).toBe(1);
    await s.close();
    await waitFor(() => hub.listenerCount() === 0);
  });

  it('sends heartbeat comments without any Redis command while the stream is idle', async () => {
    await start({ heartbeatMs: 40 });
    const id = await enqueue();
    const s = await follow(id);
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'queued' } });
    // Every command the API's connections send from now on (the producer's and the subscriber).
    const sent: string[] = [];
    for (const conn of [fx.producerConnection, subscriber]) {
      const original = conn.sendCommand.bind(conn);
      conn.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
        sent.push(command.name);
        return (original as (...a: unknown[]) => unknown)(command, ...rest);
      }) as typeof conn.sendCommand;
    }
    for (let i = 0; i < 5; i++) expect(await s.next()).toEqual({ kind: 'comment', text: 'heartbeat' });
    expect(sent).toEqual([]);
    // Still live: a change arrives by pub/sub.
    await move(id, 'running');
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'running' } });
  });

  it('re-reads the record after a Redis reconnect, so a change whose message was lost arrives', async () => {
    // This hub listens on another prefix's channel: it hears nothing, as if every message were
    // lost, so only the re-read after the reconnect can deliver.
    await start({
      heartbeatMs: 40,
      hubStore: () => createStatusStore(subscriber, { prefix: `test-${randomUUID()}` }),
    });
    const id = await enqueue();
    const s = await follow(id);
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'queued' } });
    await move(id, 'running');
    // Heartbeats alone do not read the record any more.
    for (let i = 0; i < 3; i++) expect(await s.next()).toEqual({ kind: 'comment', text: 'heartbeat' });
    subscriber.disconnect(true);
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'running' } });
    await move(id, 'succeeded');
    subscriber.disconnect(true);
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'succeeded' } });
    expect(await s.next()).toBeUndefined();
  });

  async function refused(id: string, auth: Record<string, string>) {
    const res = await fetch(`${base}/v1/generations/${id}/events`, { headers: auth });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  }

  it('caps streams per token: one more answers 429 too-many-streams; other tokens still stream', async () => {
    await start({ maxStreams: 10, maxStreamsPerToken: 2 });
    const id = await enqueue();
    for (let i = 0; i < 2; i++) expect((await follow(id)).status).toBe(200);
    const r = await refused(id, AUTH);
    expect(r).toMatchObject({
      status: 429,
      retryAfter: '10',
      type: expect.stringContaining('application/problem+json'),
    });
    expect(r.body).toMatchObject({
      type: 'urn:reelay:problem:too-many-streams',
      status: 429,
      code: 'REELAY_API_TOO_MANY_STREAMS',
      instance: `/v1/generations/${id}/events`,
      limit: 2,
    });
    expect(JSON.stringify(r.body)).not.toContain(TOKENS[0]);
    // The other token of the same tenant has its own slots.
    expect((await follow(id, undefined, { authorization: `Bearer ${TOKENS[1]}` })).status).toBe(200);
    expect(hub.listenerCount()).toBe(3);
  });

  it('caps streams in total: one more answers 503 streams-full, whatever the token', async () => {
    await start({ maxStreams: 3, maxStreamsPerToken: 2 });
    const id = await enqueue();
    await follow(id);
    await follow(id);
    await follow(id, undefined, { authorization: `Bearer ${TOKENS[1]}` });
    const r = await refused(id, OPERATOR_AUTH);
    expect(r).toMatchObject({
      status: 503,
      retryAfter: '10',
      type: expect.stringContaining('application/problem+json'),
    });
    expect(r.body).toMatchObject({
      type: 'urn:reelay:problem:streams-full',
      status: 503,
      code: 'REELAY_API_STREAMS_FULL',
      limit: 3,
    });
  });

  it('gives slots back however a stream ends, and when it never starts', async () => {
    await start({ maxStreams: 3, maxStreamsPerToken: 3 });
    const a = await enqueue();
    for (let round = 0; round < 2; round++) {
      const b = await enqueue();
      // Refused before streaming (unknown generation): no slot kept.
      for (let i = 0; i < 4; i++)
        expect((await refused('gen_00000000000000000000000000', AUTH)).status).toBe(404);
      const open = [await follow(a), await follow(a), await follow(b)];
      for (const s of open) expect(s.status).toBe(200);
      expect((await refused(a, AUTH)).status).toBe(429);
      // Two clients leave; the third stream ends with its generation (round 0) or is closed.
      await open[0]!.close();
      await open[1]!.close();
      if (round === 0) {
        await open[2]!.nextEvent();
        await move(b, 'failed');
        await open[2]!.nextEvent();
        expect(await open[2]!.next()).toBeUndefined();
      } else await open[2]!.close();
      await waitFor(() => hub.listenerCount() === 0);
    }
    // And when the server closes them (a new server on the same port would start empty anyway).
    const s = await follow(a);
    await s.nextEvent();
    await fx.app.close();
    expect(await s.next()).toBeUndefined();
  });

  it('gives every event an id; a reconnect with Last-Event-ID gets only what it missed', async () => {
    await start();
    const id = await enqueue();
    const first = await follow(id);
    const opened = await first.nextEvent();
    const at = (opened!.data as { at: number }).at;
    expect(opened?.id).toBe(`${at}-queued`);
    await first.close();
    await waitFor(() => hub.listenerCount() === 0);

    await move(id, 'submitting');
    await move(id, 'running');
    const resumed = await follow(id, opened!.id);
    const missed = [await resumed.nextEvent(), await resumed.nextEvent()];
    expect(missed.map((e) => (e!.data as { state: string }).state)).toEqual(['submitting', 'running']);
    for (const e of missed) {
      const d = e!.data as { state: string; at: number };
      expect(e!.id).toBe(`${d.at}-${d.state}`);
    }
    await move(id, 'succeeded');
    expect(await resumed.nextEvent()).toMatchObject({ data: { state: 'succeeded' } });
    expect(await resumed.next()).toBeUndefined();
  });

  it('resumes with nothing when the last seen event is still the latest, then sends the next change', async () => {
    await start();
    const id = await enqueue();
    const first = await follow(id);
    const opened = await first.nextEvent();
    await first.close();
    const resumed = await follow(id, opened!.id);
    await waitFor(() => hub.listenerCount() === 1);
    await move(id, 'running');
    // The first event after resuming is the change, not a replay of queued.
    expect(await resumed.nextEvent()).toMatchObject({ data: { id, state: 'running' } });
  });

  it('after the generation ended: sends the missed terminal event and closes, or closes at once', async () => {
    await start();
    const id = await enqueue();
    const first = await follow(id);
    const opened = await first.nextEvent();
    await first.close();
    await move(id, 'running');
    await move(id, 'failed');

    const missed = await follow(id, opened!.id);
    expect((await missed.nextEvent())?.data).toMatchObject({ state: 'running' });
    const terminal = await missed.nextEvent();
    expect(terminal?.data).toMatchObject({ state: 'failed' });
    expect(await missed.next()).toBeUndefined();

    const seenAll = await follow(id, terminal!.id);
    expect(seenAll.status).toBe(200);
    expect(await seenAll.next()).toBeUndefined();
    await waitFor(() => hub.listenerCount() === 0);
  });

  it('treats a Last-Event-ID that is not one of its ids as a new stream', async () => {
    await start();
    const id = await enqueue();
    const s = await follow(id, 'not-an-id');
    expect(await s.nextEvent()).toMatchObject({ data: { id, state: 'queued' } });
  });

  it('answers 404 (a problem, not a stream) for an unknown generation, and 401 without a token', async () => {
    await start();
    const unknown = await fetch(`${base}/v1/generations/gen_01arz3ndektsv4rrffq69g5fav/events`, {
      headers: AUTH,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await unknown.json()) as { code: string }).code).toBe('REELAY_GENERATION_NOT_FOUND');
    const id = await enqueue();
    const anonymous = await fetch(`${base}/v1/generations/${id}/events`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    expect(hub.listenerCount()).toBe(0);
  });

  it('ends open streams when the server closes', async () => {
    await start();
    const id = await enqueue();
    const s = await follow(id);
    await s.nextEvent();
    await fx.app.close();
    expect(await s.next()).toBeUndefined();
    expect(hub.listenerCount()).toBe(0);
  });
});
