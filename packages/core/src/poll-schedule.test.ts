import { describe, expect, it } from 'vitest';
import { pollDelay } from './poll-schedule.ts';

const s = {
  initialDelayMs: 30_000,
  maxDelayMs: 120_000,
  ratio: 0.1,
  slackMs: 1_000,
  deadlineMs: 1_800_000,
  jitter: 0.1,
};
const none = () => 0;

describe('pollDelay', () => {
  it('polls first after the initial delay, then in proportion to the time since submit', () => {
    expect(pollDelay(s, 1, 0, none)).toBe(30_000);
    expect(pollDelay(s, 2, 30_000, none)).toBe(4_000);
    expect(pollDelay(s, 5, 300_000, none)).toBe(31_000);
  });
  it('caps the interval', () => {
    expect(pollDelay(s, 40, 5_000_000, none)).toBe(120_000);
  });
  it('keeps every detection lag within ratio × duration + slack', () => {
    // Walk the schedule: any task ending between two polls is seen at the second.
    let t = 0;
    for (let n = 1; t < 900_000; n++) {
      const next = t + pollDelay(s, n, t, () => 0.5);
      if (n > 1) expect(next - t).toBeLessThanOrEqual(0.1 * t + 1_000);
      t = next;
    }
  });
  it('jitter only shortens a delay, by at most its fraction', () => {
    expect(pollDelay(s, 2, 30_000, () => 0.999999)).toBe(3_600);
    expect(pollDelay({ ...s, initialDelayMs: 1 }, 1, 0, none)).toBe(10);
  });
});
