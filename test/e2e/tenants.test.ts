/**
 * Tenants end to end: the producer, a worker running every stage, the simulator over HTTP and
 * real Redis. Fair share, a tenant's own cap, a pause, and a budget reserved at enqueue and
 * settled with the upstream's reported cost.
 */
import { type GenerationRequest, type GenerationStatus, isBudgetExceeded } from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const media = [{ type: 'first_frame' as const, url: 'https://example.com/cat.png' }];
/** 5 s at 1080P: estimated 0.75 USD; the simulator reports 0.10 USD a second, 0.50 USD. */
const request = (prompt: string, resolution: '720P' | '1080P' = '1080P'): GenerationRequest => ({
  input: { prompt, media },
  parameters: { duration: 5, resolution },
});
const submittedAt = (s: GenerationStatus) => s.timeline.find((t) => t.state === 'submitting')?.at ?? Infinity;

async function enqueue(s: Stack, tenant: string, n: number): Promise<string[]> {
  const items = Array.from({ length: n }, (_, i) => ({
    request: request(`${tenant} ${i}`),
    options: { tenant },
  }));
  return (await s.producer.enqueueMany(items)).map((r) => r.id);
}
const finish = (s: Stack, ids: string[]) =>
  Promise.all(ids.map((id) => s.waitForState(id, 'succeeded', 60_000)));

describe('tenants', () => {
  it('a tenant that enqueues after a big batch gets its weight share of the slots, not the back of the line', async () => {
    stack = await startStack({ sim: { taskDurationMs: 40 }, env: { MAX_IN_FLIGHT: '2' } });
    const a = await enqueue(stack, 'a', 40);
    const b = await enqueue(stack, 'b', 10);
    const done = [...(await finish(stack, a)), ...(await finish(stack, b))];
    const order = done.sort((x, y) => submittedAt(x) - submittedAt(y)).map((s) => s.tenant);
    // While both had work, slots alternated (equal weights): B's 10 were submitted within the
    // first ~22 submits, where FIFO would have put them after A's 40.
    const lastB = order.lastIndexOf('b');
    expect(lastB).toBeLessThan(26);
    const share =
      order.slice(order.indexOf('b'), lastB + 1).filter((t) => t === 'b').length /
      (lastB + 1 - order.indexOf('b'));
    expect(share).toBeGreaterThan(0.4);
    for (const s of done) expect(s.tenant).toBe(a.includes(s.id) ? 'a' : 'b');
  });

  it('with no MAX_IN_FLIGHT, a rate limit spends its creates in the fair order too (GRANT_AHEAD)', async () => {
    stack = await startStack({
      sim: { taskDurationMs: 30 },
      env: { MAX_IN_FLIGHT: '0', SUBMIT_RATE_PER_SEC: '25', GRANT_AHEAD: '4' },
    });
    const a = await enqueue(stack, 'a', 40);
    const b = await enqueue(stack, 'b', 10);
    const done = [...(await finish(stack, a)), ...(await finish(stack, b))];
    const order = done.sort((x, y) => submittedAt(x) - submittedAt(y)).map((s) => s.tenant);
    // Only GRANT_AHEAD of A's were granted before B came; then the creates alternate.
    expect(order.lastIndexOf('b')).toBeLessThan(26);
  });

  it("never runs more of a tenant's generations than its own cap; a paused tenant waits until resumed", async () => {
    stack = await startStack({ sim: { taskDurationMs: 60 }, env: { MAX_IN_FLIGHT: '10' } });
    const s = stack;
    await s.producer.setTenant('capped', { maxInFlight: 1 });
    await s.producer.setTenant('held', { paused: true });
    const held = await enqueue(s, 'held', 2);
    const capped = await enqueue(s, 'capped', 4);
    let most = 0;
    const sampling = (async () => {
      for (;;) {
        const t = await s.producer.getTenant('capped');
        most = Math.max(most, t.usage.inFlight);
        if (t.usage.queued === 0 && t.usage.inFlight === 0) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const runs = await finish(s, capped);
    await sampling;
    expect(most).toBe(1);
    // One at a time: each was submitted after the one before had finished polling.
    const spans = runs
      .map((r) => [submittedAt(r), r.timeline.find((t) => t.state === 'copying')!.at])
      .sort((x, y) => x[0]! - y[0]!);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]!).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
    // The paused tenant's work stayed queued all along, untouched...
    for (const id of held)
      expect(await s.producer.getStatus(id)).toMatchObject({ state: 'queued', attempts: { submit: 0 } });
    expect((await s.producer.getTenant('held')).usage).toMatchObject({ queued: 2, inFlight: 0 });
    // ...and runs once resumed.
    await s.producer.setTenant('held', { paused: false });
    await finish(s, held);
  });

  it("reserves the estimate, settles the upstream's reported cost, and refuses what would pass the budget", async () => {
    stack = await startStack({ sim: { taskDurationMs: 30 }, env: { MAX_IN_FLIGHT: '4' } });
    const s = stack;
    await s.producer.setTenant('acme', { budget: { limitUsd: 1, period: 'total' } });
    const [first] = await enqueue(s, 'acme', 1);
    expect((await s.producer.getTenant('acme')).usage.reservedUsd).toBe(0.75);
    const ended = await s.waitForState(first!, 'succeeded');
    expect(ended.cost).toEqual({ estimatedUsd: 0.75, actualUsd: 0.5 });
    expect((await s.producer.getTenant('acme')).usage).toMatchObject({ reservedUsd: 0, spentUsd: 0.5 });
    // 0.50 spent + 0.75 > 1: refused, nothing enqueued; 0.50 more (720P) fits exactly.
    const refused = await s.producer
      .enqueue(request('too much'), { tenant: 'acme' })
      .catch((e: unknown) => e);
    expect(isBudgetExceeded(refused) && refused).toMatchObject({
      code: 'REELAY_BUDGET_EXCEEDED',
      tenant: 'acme',
      limitUsd: 1,
      spentUsd: 0.5,
      reservedUsd: 0,
      requestedUsd: 0.75,
    });
    expect((await s.producer.getTenant('acme')).usage.queued).toBe(0);
    const fits = await s.producer.enqueue(request('fits', '720P'), { tenant: 'acme' });
    await s.waitForState(fits.id, 'succeeded');
    expect((await s.producer.getTenant('acme')).usage).toMatchObject({ reservedUsd: 0, spentUsd: 1 });
  });
});
