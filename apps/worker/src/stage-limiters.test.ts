import { describe, expect, it } from 'vitest';
import { pollLimiter, submitLimiter } from './stage-limiters.ts';

/** The most starts a limiter of one per `duration` ms lets into any sliding second (worst case). */
const worstSecond = (l: { max: number; duration: number }) => (Math.ceil(1_000 / l.duration) + 1) * l.max;

describe('stage limiters', () => {
  it('submit: the rate per second, or one per 1/rate below 1; none at 0', () => {
    expect(submitLimiter(0)).toBeUndefined();
    expect(submitLimiter(2)).toEqual({ max: 2, duration: 1_000 });
    expect(submitLimiter(0.5)).toEqual({ max: 1, duration: 2_000 });
  });

  it('poll: no sliding second ever holds more than the budget, and most of the budget is used', () => {
    expect(pollLimiter(0)).toBeUndefined();
    expect(pollLimiter(20)).toEqual({ max: 1, duration: 53 });
    for (const rate of [2, 5, 10, 20, 50, 100, 333]) {
      const l = pollLimiter(rate)!;
      expect(worstSecond(l)).toBeLessThanOrEqual(rate);
      // Fixed windows cost some of a small budget (2/s: one a second); little of a large one.
      expect((l.max * 1_000) / l.duration).toBeGreaterThanOrEqual(rate * (rate >= 10 ? 0.85 : 0.5));
    }
  });
});
