import { randomUUID } from 'node:crypto';
import {
  EVENT_TYPES,
  GENERATION_STATES,
  type GenerationState,
  isTerminal,
  jobIds,
  newGenerationId,
} from '@reelay/contracts';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { closeQueues, createQueues, type StageQueues } from '../queues.ts';
import { createStatusStore, type StatusStore } from '../status-store.ts';
import { createRecordFixture } from '../testing/record-fixture.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';
import { MOVES, type Move, type MoveName, resumeState, TERMINAL_EVENT } from './transitions.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let prefix: string;
let queues: StageQueues;
let store: StatusStore;
let lifecycle: Lifecycle;
let fixture: ReturnType<typeof createRecordFixture>;
const DEADLINE_MS = 60_000;
const SLOTS = 5;

beforeEach(async () => {
  if (queues) await closeQueues(queues);
  prefix = `test-${randomUUID()}`;
  queues = createQueues(redis, prefix);
  store = createStatusStore(redis, { prefix });
  lifecycle = createLifecycle(redis, queues, {
    prefix,
    recordRetentionS: 3_600,
    idempotencyTtlS: 86_400,
    generationDeadlineMs: DEADLINE_MS,
    maxInFlight: SLOTS,
  });
  fixture = createRecordFixture(redis, prefix);
});
afterAll(async () => {
  await closeQueues(queues);
  for await (const keys of redis.scanStream({ match: 'test-*', count: 1000 }))
    if ((keys as string[]).length) await redis.del(...(keys as string[]));
  await redis.quit();
});

const FAILING_JOB = { jobId: 'gen_x.poll.1', attemptsMade: 0 };

/** A generation in `state`, set up so that every guard of every move holds. */
async function generationIn(state: GenerationState) {
  const id = newGenerationId();
  await fixture.create([
    {
      id,
      request: { input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] } },
      options: { webhook: { url: 'https://hooks.example.com/r', events: [...EVENT_TYPES] } },
      fingerprint: 'x',
    },
  ]);
  await fixture.force(id, {
    state,
    taskId: 'task_1',
    submittedAt: Date.now(),
    pollN: 1,
    videoUrl: 'https://cdn.example.com/v.mp4',
    error: { stage: 'poll', code: 'REELAY_POLL_DEADLINE', message: 'm', resumable: true },
    failedBy: FAILING_JOB,
  });
  // Holding a slot, so a move that releases one is seen doing it.
  await redis.zadd(`${prefix}:inflight`, 1, id);
  return (await store.getCore(id))!;
}

/** Calls one verb; true when the move was made. */
const DRIVERS: Record<
  Exclude<MoveName, 'enqueue'>,
  (r: Awaited<ReturnType<typeof generationIn>>) => Promise<boolean>
> = {
  // The gate grants what is in a tenant's queue: the fixture's generation, put there.
  grant: async (r) => {
    await redis.zrem(`${prefix}:inflight`, r.id);
    await redis.zadd(`${prefix}:tenant:default:queue`, 0, r.id);
    await lifecycle.setTenant('default', {});
    return (await lifecycle.dispatch()) === 1;
  },
  startSubmit: async (r) => (await lifecycle.startSubmit(r, SLOTS)).ok,
  createAnswered: (r) => lifecycle.createAnswered(r.id),
  taskCreated: async (r) => (await lifecycle.taskCreated(r, 'task_2')).ok,
  polled: async (r) => (await lifecycle.polled(r, 1, { delayMs: 60_000 })).ok,
  taskDone: async (r) => (await lifecycle.taskDone(r, 1, { videoUrl: 'https://cdn.example.com/v2.mp4' })).ok,
  urlRefreshed: (r) => lifecycle.urlRefreshed(r.id, 'https://cdn.example.com/v3.mp4'),
  stored: async (r) =>
    (
      await lifecycle.stored(
        r,
        { bucket: 'b', key: 'k', uri: 's3://b/k', size: 1, sha256: 'h', contentType: 'video/mp4' },
        1,
      )
    ).ok,
  fail: async (r) =>
    (
      await lifecycle.fail(r, {
        stage: 'sink',
        code: 'REELAY_SINK_UPLOAD_FAILED',
        message: 'm',
        resumable: true,
      })
    ).ok,
  resume: async (r) =>
    (await lifecycle.resume(r, 'poll', { id: FAILING_JOB.jobId, attemptsMade: 1 })).state !== r.state,
  cancel: async (r) => (await lifecycle.cancel(r.id))?.canceled === true,
};

const inIndex = async (key: string, id: string) => (await redis.zscore(`${prefix}:${key}`, id)) !== null;

describe('the lifecycle table, walked: every move from every state', () => {
  const moves = (Object.entries(MOVES) as Array<[MoveName, Move]>).filter(([m]) => m !== 'enqueue');
  for (const [name, move] of moves) {
    for (const state of GENERATION_STATES) {
      const allowed = move.from.includes(state);
      it(`${name} from ${state}: ${allowed ? 'moves' : 'refused'}`, async () => {
        const before = await generationIn(state);
        const moved = await DRIVERS[name as Exclude<MoveName, 'enqueue'>](before);
        expect(moved).toBe(allowed);
        const after = (await store.getCore(before.id))!;
        const target = move.to === 'same' ? state : move.to === 'stage' ? resumeState('poll', true) : move.to;
        expect(after.state).toBe(allowed ? target : state);
        if (!allowed) {
          // Nothing moved: the timeline is the fixture's, and only the repair's own event may be queued.
          expect(after.timeline).toEqual(before.timeline);
          if (move.event && TERMINAL_EVENT[state as keyof typeof TERMINAL_EVENT] !== move.event)
            expect(await queues.notify.getJob(jobIds.notify(before.id, move.event))).toBeUndefined();
          return;
        }
        if (move.event) {
          // The event's delivery track opened in the same write, and its notify job exists.
          expect(after.deliveries).toContainEqual(
            expect.objectContaining({ event: move.event, state: 'pending' }),
          );
          expect(await queues.notify.getJob(jobIds.notify(before.id, move.event))).toBeDefined();
        }
        if (move.deadline === 'leave') expect(await inIndex('deadlines', before.id)).toBe(false);
        if (move.deadline === 'join') expect(await inIndex('deadlines', before.id)).toBe(true);
        if (move.slot === 'release') expect(await inIndex('inflight', before.id)).toBe(false);
        if (move.slot === 'take') expect(await inIndex('inflight', before.id)).toBe(true);
        if (isTerminal(target)) expect(await redis.ttl(`${prefix}:gen:${before.id}`)).toBeGreaterThan(0);
        else expect(await redis.ttl(`${prefix}:gen:${before.id}`)).toBe(-1);
      });
    }
  }
});

describe('lifecycle guards and what follows a move', () => {
  it('polled and taskDone are fenced by the poll counter: a stale poll is refused and changes nothing', async () => {
    const r = await generationIn('running');
    expect(await lifecycle.polled(r, 3, { delayMs: 10 })).toMatchObject({ ok: false, reason: 'guard' });
    expect(await lifecycle.taskDone(r, 0, { videoUrl: 'https://x.example.com/v' })).toMatchObject({
      ok: false,
      reason: 'guard',
    });
    expect((await store.getCore(r.id))?.pollN).toBe(1);
    // The refused run made sure the generation's current poll exists (the repair).
    expect(await queues.poll.getJob(jobIds.poll(r.id, 1))).toBeDefined();
  });

  it('polled adds poll n+1 and taskDone the sink job; taskCreated adds poll 1', async () => {
    const a = await generationIn('running');
    await lifecycle.polled(a, 1, { delayMs: 5_000, upstreamStatus: 'in_progress', progress: 0.4 });
    expect(await queues.poll.getJob(jobIds.poll(a.id, 2))).toBeDefined();
    expect((await store.getCore(a.id))?.upstream).toMatchObject({ status: 'in_progress', progress: 0.4 });
    const b = await generationIn('running');
    await lifecycle.taskDone(b, 1, { videoUrl: 'https://x.example.com/v' });
    expect(await queues.sink.getJob(jobIds.sink(b.id))).toBeDefined();
    const c = await generationIn('submitting');
    await lifecycle.taskCreated(c, 'task_9');
    expect(await queues.poll.getJob(jobIds.poll(c.id, 1))).toBeDefined();
    expect((await store.getCore(c.id))?.upstream.taskId).toBe('task_9');
  });

  it('taskCreated run twice (its reply lost, resent) carries on: its own task is in the record', async () => {
    const r = await generationIn('submitting');
    expect((await lifecycle.taskCreated(r, 'task_once')).ok).toBe(true);
    await queues.poll.remove(jobIds.poll(r.id, 1));
    expect((await lifecycle.taskCreated(r, 'task_once')).ok).toBe(true);
    expect(await queues.poll.getJob(jobIds.poll(r.id, 1))).toBeDefined();
    expect((await lifecycle.taskCreated(r, 'task_other')).ok).toBe(false);
  });

  it('startSubmit waits for a slot when every MAX_IN_FLIGHT slot is taken, and for a run mid-create', async () => {
    const [a, b] = [await generationIn('queued'), await generationIn('queued')];
    // Submit jobs that run without a grant (an operator's retry): nothing waits at the gate.
    await redis.del(`${prefix}:inflight`, `${prefix}:tenant:default:queue`);
    expect(await lifecycle.startSubmit(a, 1)).toEqual({ ok: true });
    expect(await lifecycle.startSubmit(b, 1)).toEqual({ ok: false, wait: 'no slot' });
    // A second run that read `queued` too finds the first one's intent.
    expect(await lifecycle.startSubmit(a, 1)).toEqual({ ok: false, wait: 'busy' });
    expect((await store.getCore(a.id))?.upstream.submitIntents).toBe(1);
  });

  it('resume needs the failing job run itself, counted: a stalled re-run or another job changes nothing', async () => {
    const r = await generationIn('failed');
    expect((await lifecycle.resume(r, 'poll', { id: FAILING_JOB.jobId, attemptsMade: 0 })).state).toBe(
      'failed',
    );
    expect((await lifecycle.resume(r, 'poll', { id: 'gen_x.poll.2', attemptsMade: 5 })).state).toBe('failed');
    expect((await lifecycle.resume(r, 'sink', { id: FAILING_JOB.jobId, attemptsMade: 1 })).state).toBe(
      'failed',
    );
    const resumed = await lifecycle.resume(r, 'poll', { id: FAILING_JOB.jobId, attemptsMade: 1 });
    expect(resumed.state).toBe('running');
    expect(resumed.error).toBeUndefined();
    const stored = (await store.getCore(r.id))!;
    expect(stored.error).toBeUndefined();
    // A fresh poll deadline, and back in the deadline index with a fresh GENERATION_DEADLINE_MS.
    expect(stored.deadlineAt).toBeGreaterThan(Date.now());
    const score = Number(await redis.zscore(`${prefix}:deadlines`, r.id));
    expect(score).toBeGreaterThan(Date.now() + DEADLINE_MS - 5_000);
    // Resumed once: the same retry run cannot resume it again.
    expect((await lifecycle.resume(r, 'poll', { id: FAILING_JOB.jobId, attemptsMade: 1 })).state).toBe(
      'failed',
    );
    expect((await store.getCore(r.id))?.timeline.map((t) => t.state)).toEqual([
      'queued',
      'failed',
      'running',
    ]);
  });

  it('cancel removes the pending stage jobs and queues generation.canceled once', async () => {
    const r = await generationIn('running');
    await queues.poll.add(
      'poll',
      { generationId: r.id, n: 1 },
      { jobId: jobIds.poll(r.id, 1), delay: 60_000 },
    );
    expect(await lifecycle.cancel(r.id)).toEqual({ id: r.id, state: 'canceled', canceled: true });
    expect(await queues.poll.getJob(jobIds.poll(r.id, 1))).toBeUndefined();
    expect(await lifecycle.cancel(r.id)).toEqual({ id: r.id, state: 'canceled', canceled: false });
    expect(await lifecycle.cancel(newGenerationId())).toBeUndefined();
  });

  it('a refused fail (the generation ended already) still makes sure the ending event is queued', async () => {
    const r = await generationIn('failed');
    await queues.notify.remove(jobIds.notify(r.id, 'generation.failed'));
    expect(
      await lifecycle.fail(r, { stage: 'poll', code: 'REELAY_POLL_DEADLINE', message: 'm', resumable: true }),
    ).toMatchObject({ ok: false, current: 'failed' });
    expect(await queues.notify.getJob(jobIds.notify(r.id, 'generation.failed'))).toBeDefined();
  });

  it('logs delivery attempts on the delivery track without moving the generation', async () => {
    const r = await generationIn('succeeded');
    expect(
      await lifecycle.deliveryAttempted(r.id, 'generation.succeeded', 'delivered', {
        attempt: 1,
        at: 5,
        latencyMs: 3,
      }),
    ).toBe(true);
    const after = (await store.get(r.id))!;
    expect(after.state).toBe('succeeded');
    expect(after.deliveries).toEqual([
      expect.objectContaining({
        event: 'generation.succeeded',
        state: 'delivered',
        attempts: [{ attempt: 1, at: 5, latencyMs: 3 }],
      }),
    ]);
  });
});
