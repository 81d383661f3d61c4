import { jobIds, newGenerationId, webhookIdFor } from '@reelay/contracts';
import { createRecordFixture } from '@reelay/core/testing';
import { createVtrixClient } from '@reelay/vtrix';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * A worker can die between any two steps. These tests write the exact state such a death
 * leaves behind (the state change done, the next job not yet added) and check that the job a
 * stalled-job recovery re-runs finishes the generation.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { taskDurationMs: 0 } });
});
afterAll(() => stack?.close());

const records = () => createRecordFixture(stack.redis, stack.prefix);

async function orphanRecord(): Promise<string> {
  const id = newGenerationId();
  await records().create([
    { id, request: simpleRequest(), options: { webhook: { url: stack.receiver.url } }, fingerprint: 'x' },
  ]);
  return id;
}

describe('crash windows', () => {
  it('poll saw completion and died before adding the sink job: its re-run hands off', async () => {
    const vtrix = createVtrixClient({ baseUrl: stack.sim.url, apiKey: stack.config.vtrix.apiKey! });
    const taskId = (await vtrix.createTask(simpleRequest())).id;
    const url = (await vtrix.getTask(taskId)).video!.url;
    await vtrix.close();
    const id = await orphanRecord();
    await records().force(id, { state: 'copying', taskId, submittedAt: Date.now(), pollN: 3, videoUrl: url });
    // The recovered poll job 3 (the one that saw completion) runs again.
    await stack.worker.deps.queues.poll.add(
      'poll',
      { generationId: id, n: 3 },
      { jobId: jobIds.poll(id, 3) },
    );
    const status = await stack.waitForState(id, 'succeeded');
    expect(status.output?.sha256).toBe(await stack.sim.expectedSha256(taskId));
    await stack.receiver.waitFor((d) =>
      d.some((x) => x.webhookId === webhookIdFor(id, 'generation.succeeded') && x.verified),
    );
  });

  it('a stage failed the generation and died before queueing the event: the re-run queues it', async () => {
    const id = await orphanRecord();
    await records().force(id, {
      state: 'failed',
      error: { stage: 'submit', code: 'REELAY_UPSTREAM_BAD_REQUEST', message: 'bad', resumable: false },
      pending: ['generation.failed'],
    });
    await stack.worker.deps.queues.submit.add('submit', { generationId: id }, { jobId: jobIds.submit(id) });
    const webhookId = webhookIdFor(id, 'generation.failed');
    const event = (await stack.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId))).find(
      (x) => x.webhookId === webhookId,
    );
    expect(event?.verified).toBe(true);
    expect(event?.body).toMatchObject({
      type: 'generation.failed',
      data: { id, error: { code: 'REELAY_UPSTREAM_BAD_REQUEST' } },
    });
  });

  it('the write that failed a generation ran twice (its reply lost, ioredis resent it): the event is still queued', async () => {
    const id = await orphanRecord();
    const error = { stage: 'poll' as const, code: 'REELAY_POLL_DEADLINE', message: 'm', resumable: true };
    const record = (await stack.producer.ops.store.getCore(id))!;
    // The first run of the write landed; the caller never saw its reply.
    await records().force(id, { state: 'failed', error, pending: ['generation.failed'] });
    // The resent write finds the generation failed and is refused.
    expect(await stack.worker.deps.lifecycle.fail(record, error)).toMatchObject({
      ok: false,
      current: 'failed',
    });
    const webhookId = webhookIdFor(id, 'generation.failed');
    await stack.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId && x.verified));
    await vi.waitFor(async () =>
      expect((await stack.producer.getStatus(id))?.deliveries).toEqual([
        expect.objectContaining({ event: 'generation.failed', state: 'delivered' }),
      ]),
    );
  });

  it('a poll failed the generation and died before BullMQ counted the failure: its re-run does not resume it', async () => {
    const vtrix = createVtrixClient({ baseUrl: stack.sim.url, apiKey: stack.config.vtrix.apiKey! });
    const taskId = (await vtrix.createTask(simpleRequest())).id; // done at once: a resume would succeed
    await vtrix.close();
    const id = await orphanRecord();
    const jobId = jobIds.poll(id, 3);
    await records().force(id, {
      state: 'failed',
      taskId,
      submittedAt: Date.now(),
      pollN: 3,
      error: { stage: 'poll', code: 'REELAY_POLL_DEADLINE', message: 'm', resumable: true },
      // The failing run saw 0 attempts made; the stalled re-run below sees 0 as well.
      failedBy: { jobId, attemptsMade: 0 },
      pending: ['generation.failed'],
    });
    await stack.worker.deps.queues.poll.add('poll', { generationId: id, n: 3 }, { jobId });
    const webhookId = webhookIdFor(id, 'generation.failed');
    await stack.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId && x.verified));
    // The re-run queued the event of the failure it found instead of bringing the generation back.
    const status = await stack.producer.getStatus(id);
    expect(status?.state).toBe('failed');
    expect(status?.timeline.map((t) => t.state)).toEqual(['queued', 'failed']);
  });

  it('two runs of one poll: the run whose write is refused adds what the other left undone', async () => {
    const s = await startStack({
      sim: { taskDurationMs: 60_000 },
      env: { POLL_INITIAL_DELAY_MS: '100', POLL_MAX_DELAY_MS: '200' },
    });
    try {
      const { id } = await s.producer.enqueue(simpleRequest());
      await s.waitForState(id, 'running');
      // Hold the next upstream read in flight, then play the other run: it advanced the
      // counter and died before adding the next poll job.
      s.sim.configure({ latencyMs: 1_500 });
      const polls = s.sim.stats().polls;
      await expect.poll(() => s.sim.stats().polls, { timeout: 5_000 }).toBeGreaterThan(polls);
      const n = (await s.producer.ops.store.get(id))!.pollN;
      const won = await createRecordFixture(s.redis, s.prefix).force(id, { pollN: n + 1 }, { ifPollN: n });
      expect(won.ok).toBe(true);
      s.sim.configure({ latencyMs: 0 });
      // The in-flight run's own write is refused; it re-reads and adds poll n+1, so polling goes on.
      await expect
        .poll(async () => (await s.producer.ops.store.get(id))!.pollN, { timeout: 10_000 })
        .toBeGreaterThan(n + 1);
    } finally {
      await s.close();
    }
  });

  it('a malformed job fails at once, naming the field and rule, and touches no generation', async () => {
    const id = await orphanRecord();
    const job = await stack.worker.deps.queues.poll.add('poll', { generationId: id, n: 'three', extra: 1 });
    await expect.poll(() => job.getState()).toBe('failed');
    const failed = await stack.worker.deps.queues.poll.getJob(job.id!);
    expect(failed?.failedReason).toMatch(
      /^REELAY_MALFORMED_JOB: invalid poll job: n: .*; extra: is not a known field/,
    );
    expect(failed?.attemptsMade).toBe(1);
    expect((await stack.producer.getStatus(id))?.state).toBe('queued');
  });
});
