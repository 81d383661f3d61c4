import { jobIds } from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * The one double-billing window (README, "No double billing"): the upstream made the task but
 * its reply was lost. The simulator's lostCreateReplyRate makes exactly that happen.
 */
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function firstCreateLost(s: Stack): Promise<string> {
  s.sim.configure({ lostCreateReplyRate: 1 });
  const { id } = await s.producer.enqueue(simpleRequest());
  await expect.poll(() => s.sim.stats().createsByGeneration[id] ?? 0).toBe(1);
  s.sim.configure({ lostCreateReplyRate: 0 });
  return id;
}

describe('the submit window', () => {
  it('SUBMIT_UNCERTAIN=resubmit: creates again, and the second task is counted and succeeds', async () => {
    stack = await startStack({ env: { RETRY_BACKOFF_MS: '200' } });
    const id = await firstCreateLost(stack);
    const status = await stack.waitForState(id, ['succeeded', 'failed']);
    expect(status.state).toBe('succeeded');
    expect(stack.sim.stats().createsByGeneration[id]).toBe(2);
    expect(status.upstream.submitIntents).toBe(2);
    expect(await stack.worker.deps.metrics.uncertainSubmits.get()).toMatchObject({ values: [{ value: 1 }] });
  });

  it('SUBMIT_UNCERTAIN=fail: stops at one create; an operator retry creates anyway', async () => {
    stack = await startStack({ env: { RETRY_BACKOFF_MS: '200', SUBMIT_UNCERTAIN: 'fail' } });
    const id = await firstCreateLost(stack);
    const failed = await stack.waitForState(id, 'failed');
    expect(failed.error).toMatchObject({ stage: 'submit', code: 'REELAY_SUBMIT_UNCERTAIN', resumable: true });
    expect(stack.sim.stats().createsByGeneration[id]).toBe(1);
    const job = await stack.worker.deps.queues.submit.getJob(jobIds.submit(id));
    await expect.poll(() => job!.getState()).toBe('failed');
    await job!.retry();
    expect((await stack.waitForState(id, 'succeeded')).upstream.taskId).toBeDefined();
    expect(stack.sim.stats().createsByGeneration[id]).toBe(2);
  });

  it('a generation an operator resumed rejoins the deadline sweep: its hung task ends at GENERATION_DEADLINE_MS', async () => {
    stack = await startStack({
      env: {
        RETRY_BACKOFF_MS: '200',
        SUBMIT_UNCERTAIN: 'fail',
        GENERATION_DEADLINE_MS: '3000',
        SWEEP_INTERVAL_MS: '100',
        POLL_DEADLINE_MS: '600000',
      },
    });
    const id = await firstCreateLost(stack);
    await stack.waitForState(id, 'failed');
    const job = await stack.worker.deps.queues.submit.getJob(jobIds.submit(id));
    await expect.poll(() => job!.getState()).toBe('failed');
    // The operator retries; the new upstream task then hangs for good.
    stack.sim.configure({ stuckRate: 1 });
    const resumedAt = Date.now();
    await job!.retry();
    await stack.waitForState(id, 'running');
    const ended = await stack.waitForState(id, 'failed', 15_000);
    expect(ended.error).toMatchObject({ code: 'REELAY_GENERATION_DEADLINE', stage: 'poll' });
    // A fresh deadline from the resume, not the enqueue's (long past) and not the poll deadline.
    expect(ended.updatedAt - resumedAt).toBeGreaterThanOrEqual(3_000);
    expect(ended.timeline.map((t) => t.state)).toEqual([
      'queued',
      'submitting',
      'failed',
      'queued',
      'submitting',
      'running',
      'failed',
    ]);
  });
});
