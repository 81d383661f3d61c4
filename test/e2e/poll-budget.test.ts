/**
 * The poll budget end to end: with POLL_RATE_PER_SEC, however many generations are in flight and
 * however often their schedules ask, the simulator never answers more polls in any one second,
 * and every generation still finishes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('the poll budget', () => {
  it('holds POLL_RATE_PER_SEC across the worker while demand is far above it', async () => {
    // 30 generations polled every 40–150 ms ask for ~300 polls a second; the budget is 10.
    stack = await startStack({
      sim: { taskDurationMs: 1_500 },
      env: { POLL_RATE_PER_SEC: '10', MAX_IN_FLIGHT: '0' },
    });
    const s = stack;
    const items = Array.from({ length: 30 }, (_, i) => ({ request: simpleRequest(`budget ${i}`) }));
    const ids = (await s.producer.enqueueMany(items)).map((r) => r.id);
    for (const id of ids)
      expect((await s.waitForState(id, ['succeeded', 'failed'], 45_000)).state).toBe('succeeded');
    const stats = s.sim.stats();
    expect(stats.polls).toBeGreaterThanOrEqual(30);
    expect(stats.maxPollsPerSecond).toBeLessThanOrEqual(10);
    // The budget was the bound, not the demand: it was used.
    expect(stats.maxPollsPerSecond).toBeGreaterThanOrEqual(7);
  }, 60_000);
});
