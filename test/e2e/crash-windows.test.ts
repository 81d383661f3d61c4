import { jobIds, newGenerationId, webhookIdFor } from '@reelay/contracts';
import { F } from '@reelay/core';
import { createVtrixClient } from '@reelay/vtrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function orphanRecord(): Promise<string> {
  const id = newGenerationId();
  await stack.producer.internals.store.create([{ id, request: simpleRequest(), options: { webhook: { url: stack.receiver.url } }, fingerprint: 'x' }]);
  return id;
}

describe('crash windows', () => {
  it('poll saw completion and died before adding the sink job: its re-run hands off', async () => {
    const vtrix = createVtrixClient({ baseUrl: stack.sim.url, apiKey: stack.config.vtrix.apiKey! });
    const taskId = (await vtrix.createTask(simpleRequest())).id;
    const url = (await vtrix.getTask(taskId)).video!.url;
    await vtrix.close();
    const id = await orphanRecord();
    await stack.producer.internals.store.update(id, { to: 'copying', set: { [F.taskId]: taskId, [F.submittedAt]: Date.now(), [F.pollN]: 3, [F.videoUrl]: url } });
    // The recovered poll job 3 (the one that saw completion) runs again.
    await stack.worker.deps.queues.poll.add('poll', { generationId: id, n: 3 }, { jobId: jobIds.poll(id, 3) });
    const status = await stack.waitForState(id, 'succeeded');
    expect(status.output?.sha256).toBe(await stack.sim.expectedSha256(taskId));
    await stack.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookIdFor(id, 'generation.succeeded') && x.verified));
  });

  it('a stage failed the generation and died before queueing the event: the re-run queues it', async () => {
    const id = await orphanRecord();
    await stack.producer.internals.store.update(id, { to: 'failed', set: { [F.error]: JSON.stringify({ stage: 'submit', code: 'REELAY_UPSTREAM_BAD_REQUEST', message: 'bad', resumable: false }) } });
    await stack.worker.deps.queues.submit.add('submit', { generationId: id }, { jobId: jobIds.submit(id) });
    const webhookId = webhookIdFor(id, 'generation.failed');
    const event = (await stack.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId))).find((x) => x.webhookId === webhookId);
    expect(event?.verified).toBe(true);
    expect(event?.body).toMatchObject({ type: 'generation.failed', data: { id, error: { code: 'REELAY_UPSTREAM_BAD_REQUEST' } } });
  });
});
