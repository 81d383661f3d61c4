import { randomUUID } from 'node:crypto';
import { createStatusStore, type StatusStore } from '@reelay/core';
import type { Producer } from '@reelay/producer';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from './sse-client.ts';
import { createStateHub, type StateHub } from './state-hub.ts';
import { AUTH, createFixture, type Fixture, REDIS_URL, validRequest, waitFor } from './test-fixtures.ts';

let fx: Fixture;
let hub: StateHub;
let subscriber: Redis;
let base: string;
const streams: SseStream[] = [];

/** A server listening on loopback, with a hub the test can inspect (or deafen). */
async function start(opts: { heartbeatMs?: number; hubStore?: (producer: Producer) => StatusStore } = {}) {
  subscriber = new Redis(REDIS_URL);
  fx = createFixture((producer) => {
    hub = createStateHub({
      store: opts.hubStore?.(producer) ?? producer.ops.store,
      connect: () => subscriber,
      closeConnection: false,
    });
    return { hub, ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}) };
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

async function follow(id: string, lastEventId?: string): Promise<SseStream> {
  const headers = lastEventId === undefined ? AUTH : { ...AUTH, 'last-event-id': lastEventId };
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

  it('sends heartbeat comments, and re-reads the record on each so a lost message still arrives', async () => {
    // This hub listens on another prefix's channel: it hears nothing, so only re-reads deliver.
    await start({
      heartbeatMs: 50,
      hubStore: () => createStatusStore(subscriber, { prefix: `test-${randomUUID()}` }),
    });
    const id = await enqueue();
    const s = await follow(id);
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'queued' } });
    expect(await s.next()).toEqual({ kind: 'comment', text: 'heartbeat' });
    await move(id, 'running');
    await move(id, 'succeeded');
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'running' } });
    expect(await s.nextEvent()).toMatchObject({ data: { state: 'succeeded' } });
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
