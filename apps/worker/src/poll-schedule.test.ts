import { describe, expect, it } from 'vitest';
import { pollDelay } from './poll-schedule.ts';

const s = { initialDelayMs: 1_000, maxDelayMs: 5_000, factor: 2, deadlineMs: 60_000 };

describe('pollDelay', () => {
  it('starts at the initial delay, grows by the factor and stops at the cap', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => pollDelay(s, n, mid))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
  it('spreads each delay by ±20% jitter', () => {
    expect(pollDelay(s, 1, () => 0)).toBe(800);
    expect(pollDelay(s, 1, () => 0.999999)).toBe(1_200);
  });
  it('never schedules faster than 10 ms', () => {
    expect(pollDelay({ ...s, initialDelayMs: 1 }, 1, () => 0)).toBe(10);
  });
});
