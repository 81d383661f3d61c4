import { loadConfig } from '@reelay/core';
import { describe, expect, it } from 'vitest';
import { evaluate, judge, lagBudgetMs, seededRandom, simulateTask, uniformDurations } from './poll-model.ts';
import { searchReelaySettings } from './poll-search.ts';
import {
  dashScopeSchedule,
  fixedSchedule,
  geometricSchedule,
  PROPOSED,
  proportionalPollDelay,
  proportionalSchedule,
  reelaySchedule,
} from './schedules.ts';

const never = () => 0.5;

describe('simulateTask', () => {
  it('counts polls up to the first one at or after the end, and its lag', () => {
    expect(simulateTask(fixedSchedule(5_000), 12_000, never)).toEqual({ polls: 3, lagMs: 3_000 });
    // A poll exactly at the end sees the task done (the simulator's rule).
    expect(simulateTask(fixedSchedule(5_000), 10_000, never)).toEqual({ polls: 2, lagMs: 0 });
  });
  it('tells the schedule the poll number and the time since the create', () => {
    const seen: Array<[number, number]> = [];
    simulateTask(
      ({ n, elapsedMs }) => {
        seen.push([n, elapsedMs]);
        return 1_000;
      },
      2_500,
      never,
    );
    expect(seen).toEqual([
      [1, 0],
      [2, 1_000],
      [3, 2_000],
    ]);
  });
  it('refuses a schedule that never gets there or gives a negative delay', () => {
    expect(() => simulateTask(() => 0, 1_000, never, 100)).toThrow(/within 100 polls/);
    expect(() => simulateTask(() => -1, 1_000, never)).toThrow(RangeError);
  });
});

describe('reference schedules', () => {
  it('DashScope: first read at once, then 1 s doubling every 3 reads up to 5 s', () => {
    const s = dashScopeSchedule();
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => s({ n, elapsedMs: 0 }, never))).toEqual([
      0, 1_000, 1_000, 2_000, 2_000, 2_000, 4_000, 4_000, 4_000, 5_000, 5_000,
    ]);
  });
  it("Reelay's schedule is the worker's own pollDelay with the configured settings", () => {
    const s = reelaySchedule(loadConfig({}).poll);
    expect(s({ n: 1, elapsedMs: 0 }, () => 0)).toBe(30_000);
    expect(s({ n: 5, elapsedMs: 100_000 }, () => 0)).toBe(11_000); // 10% of elapsed + 1 s
    expect(s({ n: 50, elapsedMs: 5_000_000 }, () => 0)).toBe(120_000); // capped
  });
});

describe('proportional schedule (proposed)', () => {
  it('first poll at firstMs, then ratio × elapsed + slack, capped, jitter only shortening', () => {
    const s = { firstMs: 30_000, ratio: 0.1, slackMs: 1_000, maxMs: 60_000, jitter: 0.1 };
    expect(proportionalPollDelay(s, 1, 0, () => 0)).toBe(30_000);
    expect(proportionalPollDelay(s, 2, 30_000, () => 0)).toBe(4_000);
    expect(proportionalPollDelay(s, 2, 30_000, () => 0.999_999)).toBe(3_600);
    expect(proportionalPollDelay(s, 9, 1_000_000, () => 0)).toBe(60_000);
  });
  it('keeps every lag within 10% of the duration + 1 s', () => {
    const random = seededRandom(3);
    for (const d of uniformDurations(2_000, 30_000, 900_000, random)) {
      expect(simulateTask(proportionalSchedule(PROPOSED), d, random).lagMs).toBeLessThanOrEqual(
        lagBudgetMs(d),
      );
    }
  });
});

describe('evaluate and judge', () => {
  const durations = uniformDurations(2_000, 30_000, 900_000, seededRandom(1));
  const fixed5s = evaluate(fixedSchedule(5_000), durations, seededRandom(2));

  it('fixed 5 s: about duration / 5 polls and lag under 5 s', () => {
    expect(fixed5s.polls.mean).toBeGreaterThan(85);
    expect(fixed5s.polls.mean).toBeLessThan(100);
    expect(fixed5s.lagMs.max).toBeLessThan(5_000);
    expect(judge(fixed5s, fixed5s)).toEqual({ pollRatio: 1, met: false });
  });
  it('the proposed schedule and the adopted defaults meet the target; the former geometric defaults miss the lag part', () => {
    const proposed = evaluate(proportionalSchedule(PROPOSED), durations, seededRandom(2));
    expect(judge(proposed, fixed5s).met).toBe(true);
    const defaults = evaluate(reelaySchedule(loadConfig({}).poll), durations, seededRandom(2));
    expect(judge(defaults, fixed5s).met).toBe(true);
    const former = evaluate(
      geometricSchedule({ initialDelayMs: 30_000, factor: 1.5, maxDelayMs: 30_000, deadlineMs: 1_800_000 }),
      durations,
      seededRandom(2),
    );
    expect(former.lagBudgetP99).toBeGreaterThan(1);
  });
  it('is reproducible with a seed', () => {
    const a = evaluate(reelaySchedule(loadConfig({}).poll), durations, seededRandom(9));
    const b = evaluate(reelaySchedule(loadConfig({}).poll), durations, seededRandom(9));
    expect(a).toEqual(b);
  });
  it('the search ranks settings that meet the target first', () => {
    const res = searchReelaySettings({
      screenDurations: durations.slice(0, 200),
      fullDurations: durations.slice(0, 500),
      fixed5s,
      deadlineMs: 1_800_000,
      random: seededRandom(4),
      keep: 3,
    });
    expect(res.tried).toBeGreaterThan(100);
    expect(res.best.length).toBeGreaterThan(0);
    for (const c of res.best) expect(c.pollRatio).toBeLessThan(0.4);
  });
});
