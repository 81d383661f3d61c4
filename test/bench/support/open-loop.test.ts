import { describe, expect, it } from 'vitest';
import { openLoop } from './open-loop.ts';

describe('openLoop', () => {
  it('starts rate × duration requests on schedule, without waiting for answers, and counts outcomes', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await openLoop(200, 100, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Slower than the arrival interval (5 ms): an open loop keeps sending meanwhile.
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      if (i % 4 === 3) throw new Error('refused');
    });
    expect(result.sent).toBe(20);
    expect(result.ok).toBe(15);
    expect(result.errors).toBe(5);
    expect(result.errorKinds).toEqual({ refused: 5 });
    expect(result.latenciesMs).toHaveLength(15);
    expect(Math.min(...result.latenciesMs)).toBeGreaterThanOrEqual(25);
    expect(most).toBeGreaterThan(1);
  });
});
