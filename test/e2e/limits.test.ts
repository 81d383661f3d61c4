import type { GenerationStatus } from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const at = (s: GenerationStatus, state: string) => s.timeline.find((t) => t.state === state)?.at;

/** Most intervals open at any one instant. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals
    .flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const])
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of edges) {
    open += d;
    max = Math.max(max, open);
  }
  return max;
}

async function runBatch(s: Stack, n: number): Promise<GenerationStatus[]> {
  const ids = (
    await s.producer.enqueueMany(
      Array.from({ length: n }, (_, i) => ({ request: simpleRequest(`limit ${i}`) })),
    )
  ).map((r) => r.id);
  return Promise.all(ids.map((id) => s.waitForState(id, ['succeeded', 'failed'], 40_000)));
}

describe('limits shared by every worker', () => {
  it('MAX_IN_FLIGHT: never more upstream tasks running than allowed', async () => {
    stack = await startStack({
      sim: { taskDurationMs: 250 },
      env: { MAX_IN_FLIGHT: '2', SUBMIT_CONCURRENCY: '8' },
    });
    const done = await runBatch(stack, 6);
    expect(done.every((s) => s.state === 'succeeded')).toBe(true);
    const running = done.map((s) => [at(s, 'submitting')!, at(s, 'copying')!] as [number, number]);
    expect(maxOverlap(running)).toBe(2);
    expect(await stack.worker.deps.store.slotsInUse()).toBe(0);
  }, 60_000);

  it('SUBMIT_RATE_PER_SEC: creates are spread over the rate windows', async () => {
    stack = await startStack({ env: { SUBMIT_RATE_PER_SEC: '4', SUBMIT_CONCURRENCY: '8' } });
    const done = await runBatch(stack, 12);
    expect(done.every((s) => s.state === 'succeeded')).toBe(true);
    const starts = done.map((s) => at(s, 'submitting')!).sort((a, b) => a - b);
    // 12 creates at 4 per second need three windows: at least two window boundaries apart.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(1_500);
  }, 60_000);
});
