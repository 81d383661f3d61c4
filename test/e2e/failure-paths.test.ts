import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { jobIds, webhookIdFor } from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { BUCKET, type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
const objectsIn = async (s: Stack) =>
  (await s.s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount ?? 0;

describe('every failure path of docs/upstream/VTRIX.md', () => {
  it('a failed upstream task fails the generation with the upstream code and message, and says so by webhook', async () => {
    stack = await startStack({ sim: { failRate: 1 } });
    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, ['failed', 'succeeded']);
    expect(status.state).toBe('failed');
    expect(status.error).toMatchObject({
      stage: 'poll',
      code: 'REELAY_UPSTREAM_TASK_FAILED',
      upstreamCode: expect.any(String),
    });
    expect(status.error?.message).toContain(status.error?.upstreamCode);
    const [delivery] = await stack.receiver.waitFor((d) =>
      d.some((x) => x.webhookId === webhookIdFor(id, 'generation.failed')),
    );
    expect(delivery?.verified).toBe(true);
    expect(delivery?.body).toMatchObject({
      type: 'generation.failed',
      data: { id, state: 'failed', error: { code: 'REELAY_UPSTREAM_TASK_FAILED' } },
    });
    expect(await objectsIn(stack)).toBe(0);
  });

  it('a 400 on create is final: one attempt, no task, the upstream code kept', async () => {
    stack = await startStack({ sim: { rejectCreates: 1 } });
    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, 'failed');
    expect(status.error).toMatchObject({
      stage: 'submit',
      code: 'REELAY_UPSTREAM_BAD_REQUEST',
      upstreamCode: 'InvalidParameter',
    });
    expect(status.upstream.taskId).toBeUndefined();
    // The generation is marked failed inside the job; BullMQ moves the job to failed just after.
    const submitJob = () => stack!.worker.deps.queues.submit.getJob(jobIds.submit(id));
    await expect.poll(async () => (await submitJob())?.getState()).toBe('failed');
    expect((await submitJob())?.attemptsMade).toBe(1);
  });

  it('a 429 storm is waited out without burning attempts, and every generation succeeds once', async () => {
    stack = await startStack({ sim: { rateLimitRate: 0.5, retryAfterS: 0 } });
    const ids = (
      await stack.producer.enqueueMany(
        Array.from({ length: 8 }, (_, i) => ({ request: simpleRequest(`cat ${i}`) })),
      )
    ).map((r) => r.id);
    for (const id of ids)
      expect((await stack.waitForState(id, ['succeeded', 'failed'])).state).toBe('succeeded');
    const stats = stack.sim.stats();
    expect(stats.rateLimited).toBeGreaterThan(0);
    let rerun = 0;
    for (const id of ids) {
      expect(stats.createsByGeneration[id]).toBe(1);
      const submit = await stack.worker.deps.queues.submit.getJob(jobIds.submit(id));
      // attemptsMade counts the completing run only: a 429 re-ran the job without spending one.
      expect(submit?.attemptsMade).toBe(1);
      if ((submit?.attemptsStarted ?? 0) > 1) rerun++;
    }
    expect(rerun).toBeGreaterThan(0);
  });

  it('a burst of 5xx is retried with backoff and every generation succeeds', async () => {
    stack = await startStack({ sim: { serverErrorRate: 0.4 } });
    const ids = (
      await stack.producer.enqueueMany(
        Array.from({ length: 6 }, (_, i) => ({ request: simpleRequest(`dog ${i}`) })),
      )
    ).map((r) => r.id);
    for (const id of ids)
      expect((await stack.waitForState(id, ['succeeded', 'failed'], 40_000)).state).toBe('succeeded');
    expect(stack.sim.stats().serverErrors).toBeGreaterThan(0);
  }, 60_000);

  it('a stuck task ends failed at the poll deadline with a clear reason', async () => {
    stack = await startStack({ sim: { stuckRate: 1 }, env: { POLL_DEADLINE_MS: '1000' } });
    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, 'failed');
    expect(status.error).toMatchObject({ stage: 'poll', code: 'REELAY_POLL_DEADLINE', resumable: true });
    expect(status.error?.message).toMatch(
      /still in_progress after \d+ min; the next poll would pass the deadline/,
    );
    expect(await stack.worker.deps.store.slotsInUse()).toBe(0);
  });

  it('a generation not finished by its deadline ends failed, whatever stage it waits in', async () => {
    stack = await startStack({
      sim: { stuckRate: 1 },
      env: { GENERATION_DEADLINE_MS: '1000', SWEEP_INTERVAL_MS: '100', POLL_DEADLINE_MS: '600000' },
    });
    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, 'failed');
    expect(status.error).toMatchObject({
      stage: 'poll',
      code: 'REELAY_GENERATION_DEADLINE',
      resumable: false,
    });
    expect(status.error?.message).toMatch(
      /not finished within GENERATION_DEADLINE_MS \(1000 ms.*still running/,
    );
    const [event] = await stack.receiver.waitFor((d) =>
      d.some((x) => x.webhookId === webhookIdFor(id, 'generation.failed')),
    );
    expect(event?.verified).toBe(true);
    // The poll chain stops: no poll job is left for it.
    await expect
      .poll(
        async () =>
          (await stack!.worker.deps.queues.poll.getDelayed()).filter((j) => j.data.generationId === id)
            .length,
      )
      .toBe(0);
  });

  it('an expired result URL is refreshed from the task and the copy succeeds', async () => {
    stack = await startStack({ sim: { expireFirstUrl: true } });
    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, ['succeeded', 'failed']);
    expect(status.state).toBe('succeeded');
    expect(status.output?.sha256).toBe(await stack.sim.expectedSha256(status.upstream.taskId!));
    // The sink read the task once more than the poll stage did: the refresh for a fresh URL.
    expect(stack.sim.stats().polls).toBe(status.attempts.poll + 1);
    expect(stack.sim.stats().downloads).toBe(1);
  });

  it('a receiver that is down does not make a finished video look unfinished; it gets the event once back up', async () => {
    stack = await startStack();
    stack.receiver.setDown(true);
    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, 'succeeded');
    expect(status.output).toBeDefined();
    // The delivery is tracked apart from the state: pending while the receiver is down.
    expect(status.deliveries.map((d) => d.state)).toEqual(['pending']);
    const webhookId = webhookIdFor(id, 'generation.succeeded');
    await stack.receiver.waitFor((d) => d.filter((x) => x.webhookId === webhookId).length >= 2);
    await expect
      .poll(async () => (await stack!.producer.getStatus(id))?.deliveries[0]?.state)
      .toBe('pending');
    stack.receiver.setDown(false);
    const all = await stack.receiver.waitFor((d) =>
      d.some((x) => x.webhookId === webhookId && x.status === 204),
    );
    const mine = all.filter((d) => d.webhookId === webhookId);
    expect(mine.every((d) => d.verified)).toBe(true);
    expect(new Set(mine.map((d) => d.webhookId)).size).toBe(1);
    await expect
      .poll(async () => (await stack!.producer.getStatus(id))?.deliveries[0]?.state)
      .toBe('delivered');
    const log = (await stack.producer.getStatus(id))!.deliveries[0]!.attempts;
    expect(log.length).toBe(mine.length);
    expect(log.slice(0, -1).every((a) => a.status === 503)).toBe(true);
    expect(log.at(-1)?.status).toBe(204);
    expect((await stack.producer.getStatus(id))?.state).toBe('succeeded');
  });

  it('a receiver that never comes back exhausts the schedule and the job stays failed for operators', async () => {
    stack = await startStack({ env: { WEBHOOK_RETRY_SCHEDULE: '50ms,50ms' } });
    stack.receiver.setDown(true);
    const { id } = await stack.producer.enqueue(simpleRequest());
    await stack.waitForState(id, 'succeeded');
    await expect
      .poll(async () => (await stack!.producer.getStatus(id))?.deliveries[0]?.state, { timeout: 10_000 })
      .toBe('exhausted');
    const job = await stack.worker.deps.queues.notify.getJob(jobIds.notify(id, 'generation.succeeded'));
    await expect.poll(() => job!.getState()).toBe('failed');
    expect((await stack.producer.getStatus(id))?.deliveries[0]?.attempts).toHaveLength(3);
  });
});
