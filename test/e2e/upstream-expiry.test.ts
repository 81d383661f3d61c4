/**
 * Task data expires upstream (DashScope keeps it 24 h): a generation whose task the upstream no
 * longer knows ends failed with a clear code, instead of polling until its deadline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('an expired upstream task', () => {
  it('fails the generation with REELAY_UPSTREAM_TASK_NOT_FOUND, long before any deadline', async () => {
    stack = await startStack({ sim: { taskDurationMs: 60_000, taskTtlMs: 300 } });
    const { id } = await stack.producer.enqueue(simpleRequest());
    const failed = await stack.waitForState(id, ['failed', 'succeeded'], 15_000);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ stage: 'poll', code: 'REELAY_UPSTREAM_TASK_NOT_FOUND' });
    expect(failed.upstream.taskId).toBeDefined();
  });
});
