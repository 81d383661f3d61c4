/**
 * A batch's bookkeeping against real Redis: its counts move with every member's move in the same
 * script, the move that ends the last member finishes it (state, round, the results job), a
 * resume takes it back to in_progress, cancel ends it `canceled`, and the sweep re-adds a lost
 * results job.
 */
import { randomUUID } from 'node:crypto';
import { GENERATION_STATES, jobIds, newBatchId, newGenerationId } from '@reelay/contracts';
import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type BatchStore, createBatchStore } from '../batch-store.ts';
import { closeQueues, createQueues, type StageQueues } from '../queues.ts';
import { createStatusStore, type StatusStore } from '../status-store.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let prefix: string;
let queues: StageQueues;
let store: StatusStore;
let batches: BatchStore;
let lifecycle: Lifecycle;

beforeEach(async () => {
  if (queues) await closeQueues(queues);
  prefix = `test-${randomUUID()}`;
  queues = createQueues(redis, prefix);
  store = createStatusStore(redis, { prefix });
  batches = createBatchStore(redis, { prefix });
  lifecycle = createLifecycle(redis, queues, {
    prefix,
    recordRetentionS: 3_600,
    idempotencyTtlS: 86_400,
    generationDeadlineMs: 60_000,
    maxInFlight: 10,
  });
});
afterAll(async () => {
  await closeQueues(queues);
  for await (const keys of redis.scanStream({ match: 'test-*', count: 1000 }))
    if ((keys as string[]).length) await redis.del(...(keys as string[]));
  await redis.quit();
});

const request = { input: { media: [{ type: 'first_frame' as const, url: 'https://example.com/a.png' }] } };

async function newBatch(n: number, opts: { wantsCompleted?: boolean; idempotencyKey?: string } = {}) {
  const id = newBatchId();
  const members = Array.from({ length: n }, () => ({
    id: newGenerationId(),
    request,
    options: {},
    fingerprint: 'x',
    estimateMicroUsd: 500_000,
  }));
  const result = await lifecycle.createBatch(
    {
      id,
      tenant: 'default',
      idempotencyKey: opts.idempotencyKey,
      fingerprint: 'fp',
      input: '{}',
      wantsCompleted: opts.wantsCompleted ?? true,
    },
    members,
  );
  return { id, ids: members.map((m) => m.id), result };
}

/** The counts the members' records give. */
async function countedFromRecords(ids: string[]) {
  const counts = Object.fromEntries(GENERATION_STATES.map((s) => [s, 0])) as Record<string, number>;
  for (const s of await batches.statesOf(ids)) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

async function expectCountsExact(batchId: string, ids: string[]) {
  const batch = (await batches.get(batchId))!;
  const { total, ...byState } = batch.counts;
  expect(total).toBe(ids.length);
  expect(byState).toEqual(await countedFromRecords(ids));
}

const output = { bucket: 'b', key: 'k', uri: 's3://b/k', size: 1, sha256: 'h', contentType: 'video/mp4' };

/** Drives one member from queued to succeeded through every verb on the way. */
async function runToSuccess(id: string) {
  const core = (await store.getCore(id))!;
  expect((await lifecycle.startSubmit(core, 10)).ok).toBe(true);
  expect((await lifecycle.taskCreated({ id, wants: [] }, `task_${id}`)).ok).toBe(true);
  expect(
    (
      await lifecycle.taskDone({ id }, 1, {
        videoUrl: 'https://cdn.example.com/v.mp4',
        costMicroUsd: 400_000,
      })
    ).ok,
  ).toBe(true);
  expect((await lifecycle.stored({ id, wants: [] }, output, 1)).ok).toBe(true);
}

describe('a batch in the lifecycle', () => {
  it('keeps its counts equal to its members at every move, and finishes with the last one', async () => {
    const { id, ids } = await newBatch(3);
    expect((await batches.get(id))!).toMatchObject({ state: 'in_progress', round: 0, counts: { queued: 3 } });
    await expectCountsExact(id, ids);

    await runToSuccess(ids[0]!);
    await expectCountsExact(id, ids);
    await lifecycle.fail({ id: ids[1]!, wants: [] }, { stage: 'submit', code: 'REELAY_X', message: 'm' });
    await expectCountsExact(id, ids);
    expect((await batches.get(id))!.state).toBe('in_progress');
    expect(await queues.notify.getJob(jobIds.batchCompleted(id, 1))).toBeUndefined();

    // The last member ends: the batch finishes in the same step, and its results job is added.
    await runToSuccess(ids[2]!);
    const done = (await batches.get(id))!;
    expect(done).toMatchObject({ state: 'completed', round: 1, counts: { succeeded: 2, failed: 1 } });
    expect(done.completed).toBeGreaterThan(0);
    // Settled: the reported 0.40 for each success, nothing for a failure without a task.
    expect(done.costUsd).toEqual({ estimated: 1.5, actual: 0.8 });
    expect(await queues.notify.getJob(jobIds.batchCompleted(id, 1))).toBeDefined();
    expect(await redis.zscore(`${prefix}:batches:finishing`, id)).not.toBeNull();
    expect(await redis.ttl(`${prefix}:batch:${id}`)).toBeGreaterThan(0);
  });

  it('a member resumed by an operator takes the batch back to in_progress; it finishes again in round 2', async () => {
    const { id, ids } = await newBatch(1);
    const failingJob = { id: jobIds.submit(ids[0]!), attemptsMade: 0 };
    await lifecycle.fail(
      { id: ids[0]!, wants: [] },
      { stage: 'submit', code: 'REELAY_UPSTREAM_BAD_REQUEST', message: 'm', resumable: true },
      { jobId: failingJob.id, attemptsMade: 0 },
    );
    expect((await batches.get(id))!).toMatchObject({ state: 'completed', round: 1 });
    await lifecycle.recordManifest(id, 1, { bucket: 'b', key: 'batches/x.jsonl' });
    expect((await batches.get(id))!.manifest).toEqual({ bucket: 'b', key: 'batches/x.jsonl' });

    const record = (await store.getCore(ids[0]!))!;
    const resumed = await lifecycle.resume(record, 'submit', { id: failingJob.id, attemptsMade: 1 });
    expect(resumed.state).toBe('queued');
    const reopened = (await batches.get(id))!;
    expect(reopened).toMatchObject({ state: 'in_progress', round: 1, counts: { queued: 1, failed: 0 } });
    // Round 1's file no longer tells how the batch ended.
    expect(reopened.manifest).toBeUndefined();
    expect(await redis.ttl(`${prefix}:batch:${id}`)).toBe(-1);

    await runToSuccess(ids[0]!);
    expect((await batches.get(id))!).toMatchObject({
      state: 'completed',
      round: 2,
      counts: { succeeded: 1 },
    });
    expect(await queues.notify.getJob(jobIds.batchCompleted(id, 2))).toBeDefined();
    // A late job of round 1 finds the batch moved on and records nothing.
    expect(await lifecycle.recordManifest(id, 1, { bucket: 'b', key: 'stale' })).toBe(false);
  });

  it('cancelBatch cancels every active member; the batch ends canceled; a second call changes nothing', async () => {
    const { id, ids } = await newBatch(4);
    await runToSuccess(ids[0]!);
    const core = (await store.getCore(ids[1]!))!;
    await lifecycle.startSubmit(core, 10);
    await lifecycle.taskCreated({ id: ids[1]!, wants: [] }, 'task_running');
    expect(await lifecycle.cancelBatch(id)).toEqual({ marked: true, canceled: 3 });
    const batch = (await batches.get(id))!;
    expect(batch).toMatchObject({ state: 'canceled', counts: { succeeded: 1, canceled: 3 } });
    await expectCountsExact(id, ids);
    // The running member's task runs on upstream: charged its estimate; queued ones nothing.
    expect(batch.costUsd.actual).toBeCloseTo(0.4 + 0.5, 6);
    expect(await lifecycle.cancelBatch(id)).toEqual({ marked: false, canceled: 0 });
    expect(await redis.zcard(`${prefix}:inflight`)).toBe(0);
  });

  it('the sweep re-adds a finished batch results job that a crash lost, and leaves one whose file is recorded', async () => {
    const { id, ids } = await newBatch(1);
    await lifecycle.fail({ id: ids[0]!, wants: [] }, { stage: 'submit', code: 'REELAY_X', message: 'm' });
    await queues.notify.remove(jobIds.batchCompleted(id, 1));
    expect(await lifecycle.sweepBatches(60_000)).toBe(0);
    expect(await lifecycle.sweepBatches(0)).toBe(1);
    expect((await queues.notify.getJob(jobIds.batchCompleted(id, 1)))?.data).toEqual({
      batchId: id,
      event: 'batch.completed',
      round: 1,
    });
    await lifecycle.recordManifest(id, 1, { bucket: 'b', key: 'k' });
    expect(await redis.zscore(`${prefix}:batches:finishing`, id)).toBeNull();
    expect(await lifecycle.sweepBatches(0)).toBe(0);
  });

  it('create is all or none: a member key naming an existing generation refuses the batch; the batch key replays it', async () => {
    const first = await newBatch(2, { idempotencyKey: 'k1' });
    expect(Array.isArray(first.result)).toBe(true);
    // The same batch key again: the batch made before, nothing written.
    const again = await newBatch(2, { idempotencyKey: 'k1' });
    expect(again.result).toEqual({ replayOf: first.id });
    expect(await redis.exists(`${prefix}:batch:${again.id}`)).toBe(0);
    expect(await redis.exists(`${prefix}:gen:${again.ids[0]}`)).toBe(0);

    const taken = newGenerationId();
    await lifecycle.enqueue([
      { id: taken, request, options: { idempotencyKey: 'item-1' }, fingerprint: 'x' },
    ]);
    const refused = lifecycle.createBatch(
      { id: newBatchId(), tenant: 'default', fingerprint: 'fp2', input: '{}', wantsCompleted: false },
      [
        { id: newGenerationId(), request, options: {}, fingerprint: 'a' },
        { id: newGenerationId(), request, options: { idempotencyKey: 'item-1' }, fingerprint: 'x' },
      ],
    );
    await expect(refused).rejects.toMatchObject({
      name: 'BatchMemberTakenError',
      index: 1,
      existingId: taken,
    });
    expect(await redis.keys(`${prefix}:batch:*`)).toHaveLength(3); // the first batch's hash, members, input
  });
});
