import { randomUUID } from 'node:crypto';
import { type GenerationRequest, newGenerationId } from '@reelay/contracts';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { F } from '../record-codec.ts';
import { createStatusStore, isIdempotencyConflict, type StatusStore } from '../status-store.ts';
import { createRecordWriter, type RecordWriter } from './record-writer.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const request: GenerationRequest = {
  input: { prompt: 'cat', media: [{ type: 'first_frame', url: 'https://example.com/cat.png' }] },
};
let prefix: string;
let store: StatusStore;
let writer: RecordWriter;
let clock = 1_000;

beforeEach(() => {
  prefix = `test-${randomUUID()}`;
  clock = 1_000;
  store = createStatusStore(redis, { prefix, now: () => clock });
  writer = createRecordWriter(redis, {
    prefix,
    recordRetentionS: 3_600,
    idempotencyTtlS: 86_400,
    generationDeadlineMs: 0,
    now: () => clock,
  });
});
afterAll(async () => {
  const stream = redis.scanStream({ match: 'test-*', count: 1000 });
  for await (const keys of stream) if ((keys as string[]).length) await redis.del(...(keys as string[]));
  await redis.quit();
});

const fresh = (idempotencyKey?: string, fingerprint = 'fp1') => ({
  id: newGenerationId(),
  request,
  options: idempotencyKey ? { idempotencyKey } : {},
  fingerprint,
});

describe("record writer (the lifecycle's Redis side) and status store reads", () => {
  it('creates a queued record with a timeline and reads it back', async () => {
    const g = fresh();
    expect(await writer.create([g])).toEqual([{ id: g.id, created: true, state: 'queued' }]);
    const r = await store.get(g.id);
    expect(r).toMatchObject({
      id: g.id,
      state: 'queued',
      createdAt: 1000,
      request,
      timeline: [{ state: 'queued', at: 1000 }],
      deliveries: [],
    });
    expect(await store.get(newGenerationId())).toBeUndefined();
  });

  it('keeps an in-flight record compact: short hash values, the input beside it, times relative to creation', async () => {
    const g = { ...fresh(), options: { webhook: { url: 'https://hooks.example.com/reelay/generations' } } };
    await writer.create([g]);
    for (const [to, at] of [
      ['submitting', 1_250],
      ['running', 4_000],
    ] as const) {
      clock = at;
      await writer.move(g.id, { to, set: { [F.taskId]: 'task_0123456789abcdef0123', [F.submittedAt]: at } });
    }
    // A hash with any value over 64 bytes leaves listpack encoding and costs about twice the memory.
    expect(await redis.object('ENCODING', `${prefix}:gen:${g.id}`)).toBe('listpack');
    expect(await redis.hget(`${prefix}:gen:${g.id}`, F.timeline)).toBe(
      'queued@0|submitting@250|running@3000',
    );
    const r = await store.get(g.id, { attempts: false });
    expect(r?.timeline).toEqual([
      { state: 'queued', at: 1_000 },
      { state: 'submitting', at: 1_250 },
      { state: 'running', at: 4_000 },
    ]);
    expect(r).toMatchObject({ request, webhook: g.options.webhook });
    // The stages' one-command read: the hash alone, with the events to queue but not the input.
    const core = await store.getCore(g.id);
    expect(core?.wants).toEqual(['generation.succeeded', 'generation.failed', 'generation.canceled']);
    expect(core?.timeline).toEqual(r?.timeline);
    expect(core).not.toHaveProperty('request');
    expect(core).not.toHaveProperty('webhook');
    await writer.remove([{ id: g.id }]);
    expect(await redis.exists(`${prefix}:gen:${g.id}`, `${prefix}:gen:${g.id}:in`)).toBe(0);
  });

  it('notes the events a webhook target wants at creation, and none without a target', async () => {
    const withEvents = {
      ...fresh(),
      options: { webhook: { url: 'https://h.example.com/x', events: ['generation.running' as const] } },
    };
    const without = fresh();
    await writer.create([withEvents, without]);
    expect((await store.getCore(withEvents.id))?.wants).toEqual(['generation.running']);
    expect((await store.getCore(without.id))?.wants).toEqual([]);
    expect(await store.getCore(newGenerationId())).toBeUndefined();
  });

  it('returns the existing generation for a reused idempotency key and writes nothing new', async () => {
    const a = fresh('order-1');
    await writer.create([a]);
    const b = fresh('order-1');
    expect(await writer.create([b])).toEqual([{ id: a.id, created: false, state: 'queued' }]);
    expect(await store.get(b.id)).toBeUndefined();
    expect(await store.findIdByIdempotencyKey('order-1')).toBe(a.id);
    expect(await redis.ttl(`${prefix}:idem:order-1`)).toBeGreaterThan(86_000);
  });

  it('refuses a reused key with a different request, writing nothing for the whole batch', async () => {
    const a = fresh('order-2', 'fp-a');
    await writer.create([a]);
    const other = fresh();
    const conflicting = fresh('order-2', 'fp-b');
    const err = await writer.create([other, conflicting]).catch((e) => e);
    expect(isIdempotencyConflict(err)).toBe(true);
    expect(err).toMatchObject({ index: 1, existingId: a.id });
    expect(await store.get(other.id)).toBeUndefined();
  });

  it('maps the same key twice in one batch to one generation', async () => {
    const a = fresh('dup');
    const b = fresh('dup');
    const res = await writer.create([a, b]);
    expect(res.map((r) => r.id)).toEqual([a.id, a.id]);
    expect(res.map((r) => r.created)).toEqual([true, false]);
  });

  it('moves forward only from the allowed states, once, appending to the timeline', async () => {
    const g = fresh();
    await writer.create([g]);
    clock = 2_000;
    expect(await writer.move(g.id, { to: 'submitting', from: ['queued'] })).toEqual({
      ok: true,
      previous: 'queued',
    });
    // A duplicate of the same step is refused and changes nothing.
    expect(await writer.move(g.id, { to: 'submitting', from: ['queued'] })).toEqual({
      ok: false,
      reason: 'state',
      current: 'submitting',
    });
    clock = 3_000;
    expect(
      await writer.move(g.id, {
        to: 'running',
        from: ['submitting'],
        set: { [F.taskId]: 't1', [F.submittedAt]: 3000 },
      }),
    ).toMatchObject({ ok: true });
    // A stale job cannot move it back.
    expect(await writer.move(g.id, { to: 'submitting', from: ['queued'] })).toMatchObject({
      ok: false,
      reason: 'state',
      current: 'running',
    });
    const r = await store.get(g.id);
    expect(r?.timeline).toEqual([
      { state: 'queued', at: 1000 },
      { state: 'submitting', at: 2000 },
      { state: 'running', at: 3000 },
    ]);
    expect(r?.upstream).toMatchObject({ taskId: 't1', submittedAt: 3000 });
    expect(await writer.move(newGenerationId(), { to: 'running' })).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it('fences on a guard field (the poll counter)', async () => {
    const g = fresh();
    await writer.create([g]);
    expect(
      await writer.move(g.id, { guard: { field: F.pollN, equals: '0' }, set: { [F.pollN]: 1 } }),
    ).toMatchObject({ ok: true });
    expect(
      await writer.move(g.id, { guard: { field: F.pollN, equals: '0' }, set: { [F.pollN]: 1 } }),
    ).toEqual({ ok: false, reason: 'guard', current: 'queued', guardValue: '1' });
    expect(
      await writer.move(g.id, { guard: { field: F.taskId, equals: undefined }, increment: F.submitIntents }),
    ).toMatchObject({ ok: true });
    expect((await store.get(g.id))?.upstream.submitIntents).toBe(1);
  });

  it('expires terminal records after the retention and keeps live ones forever; a resume clears the expiry', async () => {
    const g = fresh();
    await writer.create([g]);
    expect(await redis.ttl(`${prefix}:gen:${g.id}`)).toBe(-1);
    await writer.move(g.id, {
      to: 'failed',
      set: { [F.error]: JSON.stringify({ stage: 'sink', code: 'X', message: 'm', resumable: true }) },
    });
    expect(await redis.ttl(`${prefix}:gen:${g.id}`)).toBeGreaterThan(3_500);
    expect(await redis.ttl(`${prefix}:gen:${g.id}:in`)).toBeGreaterThan(3_500);
    expect((await store.get(g.id))?.error).toMatchObject({ stage: 'sink', resumable: true });
    await writer.move(g.id, { to: 'copying', from: ['failed'], unset: [F.error] });
    expect(await redis.ttl(`${prefix}:gen:${g.id}`)).toBe(-1);
    expect(await redis.ttl(`${prefix}:gen:${g.id}:in`)).toBe(-1);
    expect((await store.get(g.id))?.request).toEqual(request);
    expect((await store.get(g.id))?.error).toBeUndefined();
  });

  it('logs delivery attempts per event, and the log inherits the record expiry', async () => {
    const g = fresh();
    await writer.create([g]);
    await writer.move(g.id, { to: 'succeeded' });
    await writer.pushAttempt(g.id, 'generation.succeeded', 'pending', {
      attempt: 1,
      at: 5,
      status: 503,
      latencyMs: 12,
    });
    await writer.pushAttempt(g.id, 'generation.succeeded', 'delivered', {
      attempt: 2,
      at: 6,
      status: 204,
      latencyMs: 8,
    });
    const r = await store.get(g.id);
    expect(r?.deliveries).toEqual([
      {
        event: 'generation.succeeded',
        webhookId: expect.stringMatching(/^msg_/),
        state: 'delivered',
        attempts: [
          { attempt: 1, at: 5, status: 503, latencyMs: 12 },
          { attempt: 2, at: 6, status: 204, latencyMs: 8 },
        ],
      },
    ]);
    expect(await redis.ttl(`${prefix}:gen:${g.id}:dlv`)).toBeGreaterThan(3_500);
    // The stages' lighter read: the delivery state without the attempt log.
    expect((await store.get(g.id, { attempts: false }))?.deliveries).toEqual([
      expect.objectContaining({ state: 'delivered', attempts: [] }),
    ]);
    expect(await writer.pushAttempt(newGenerationId(), 'generation.failed', 'pending')).toBe(false);
  });

  it('shares MAX_IN_FLIGHT slots in the move that opens a submit, and does not count a generation twice', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()];
    await writer.create([a, b, c]);
    const start = (id: string, limit: number) => writer.move(id, { to: 'submitting', slot: limit });
    expect(await start(a.id, 2)).toMatchObject({ ok: true });
    expect(await start(a.id, 2)).toMatchObject({ ok: true });
    expect(await start(b.id, 2)).toMatchObject({ ok: true });
    // Refused for want of a slot: nothing written, not even the state.
    expect(await start(c.id, 2)).toEqual({ ok: false, reason: 'slot', current: 'queued' });
    expect((await store.getCore(c.id))?.timeline).toHaveLength(1);
    await writer.move(a.id, { to: 'failed', slot: 'release' });
    expect(await start(c.id, 2)).toMatchObject({ ok: true });
    expect(await store.slotsInUse()).toBe(2);
    // No limit: nothing is kept.
    const d = fresh();
    await writer.create([d]);
    expect(await start(d.id, 0)).toMatchObject({ ok: true });
    expect(await store.slotsInUse()).toBe(2);
  });

  it('publishes every state change (not patches) on the prefix channel', async () => {
    const subscriber = redis.duplicate();
    const seen: string[] = [];
    const stop = await store.subscribe(subscriber, (c) => seen.push(`${c.id} ${c.state} ${c.at}`));
    const g = fresh();
    await writer.create([g]);
    clock = 5_000;
    await writer.move(g.id, { to: 'submitting', from: ['queued'] });
    await writer.move(g.id, { set: { [F.progress]: 0.5 } });
    await writer.move(g.id, { to: 'submitting', from: ['queued'] });
    await writer.move(g.id, { to: 'canceled' });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual([`${g.id} submitting 5000`, `${g.id} canceled 5000`]);
    await stop();
    subscriber.disconnect();
  });

  it('indexes active generations by deadline, drops them when they end and re-adds them on a resume', async () => {
    const timed = createRecordWriter(redis, {
      prefix,
      recordRetentionS: 3_600,
      idempotencyTtlS: 86_400,
      now: () => clock,
      generationDeadlineMs: 500,
    });
    const a = fresh();
    const b = fresh();
    await timed.create([a, b]);
    expect(await store.overdue()).toEqual([]);
    clock = 1_600;
    expect((await store.overdue()).sort()).toEqual([a.id, b.id].sort());
    await timed.move(a.id, { to: 'failed' });
    expect(await store.overdue()).toEqual([b.id]);
    // Out of a terminal state (an operator's resume) it rejoins, with a fresh deadline.
    await timed.move(a.id, { to: 'running', from: ['failed'], rejoinDeadlineMs: 700 });
    expect(await store.overdue()).toEqual([b.id]);
    clock = 2_301;
    expect((await store.overdue()).sort()).toEqual([a.id, b.id].sort());
    await timed.remove([{ id: b.id }]);
    expect(await store.overdue()).toEqual([a.id]);
  });

  it("records a round's results file only while the batch is finished in that round", async () => {
    const batch = `${prefix}:batch:bat_x`;
    const finishing = `${prefix}:batches:finishing`;
    const manifest = { bucket: 'b', key: 'generations/batches/bat_x.jsonl' };
    await redis.hset(batch, 'st', 'completed', 'rd', '1');
    await redis.zadd(finishing, 1, 'bat_x');
    expect(await writer.recordManifest('bat_x', 2, manifest)).toBe(false);
    // An operator resumed a member after round 1 ended: in progress again, still round 1.
    await redis.hset(batch, 'st', 'in_progress');
    expect(await writer.recordManifest('bat_x', 1, manifest)).toBe(false);
    expect(await redis.hget(batch, 'mr')).toBeNull();
    await redis.hset(batch, 'st', 'completed');
    expect(await writer.recordManifest('bat_x', 1, manifest)).toBe(true);
    expect(await redis.hmget(batch, 'mb', 'mk', 'mr')).toEqual(['b', manifest.key, '1']);
    expect(await redis.zscore(finishing, 'bat_x')).toBeNull();
  });

  it('removes a batch it created (compensation)', async () => {
    const a = fresh('k-a');
    await writer.create([a]);
    await writer.remove([{ id: a.id, idempotencyKey: 'k-a' }]);
    expect(await store.get(a.id)).toBeUndefined();
    expect(await store.findIdByIdempotencyKey('k-a')).toBeUndefined();
  });
});
