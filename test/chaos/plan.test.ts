import { describe, expect, it } from 'vitest';
import { planChaos, planEnqueues } from './plan.ts';
import { PROFILES } from './profiles.ts';

const ci = PROFILES.ci!;

describe('planChaos', () => {
  it('is the same for the same seed and sorted by time', () => {
    const plan = planChaos(ci, 3);
    expect(planChaos(ci, 3)).toEqual(plan);
    expect(planChaos(ci, 4)).not.toEqual(plan);
    expect(plan.map((e) => e.at)).toEqual([...plan.map((e) => e.at)].sort((a, b) => a - b));
  });

  it('kills every few seconds within the chaos phase, restarts Redis once, takes S3 away once', () => {
    const plan = planChaos(ci, 11);
    const kills = plan.filter((e) => e.kind === 'kill');
    expect(kills[0]!.at).toBe(ci.firstKillMs);
    for (const [i, kill] of kills.entries()) {
      expect(kill.at).toBeLessThan(ci.chaosMs);
      expect(kill.slot).toBeLessThan(ci.workers);
      if (i > 0) expect(kill.at - kills[i - 1]!.at).toBeGreaterThanOrEqual(ci.killGapMs[0] - 1);
    }
    expect(kills.length).toBeGreaterThanOrEqual(Math.floor((ci.chaosMs - ci.firstKillMs) / ci.killGapMs[1]));
    const restarts = plan.filter((e) => e.kind === 'redis-restart');
    expect(restarts).toHaveLength(1);
    expect(restarts[0]!.at).toBeGreaterThanOrEqual(ci.redisRestartMs[0]);
    const pause = plan.find((e) => e.kind === 's3-pause')!;
    const resume = plan.find((e) => e.kind === 's3-resume')!;
    expect(resume.at - pause.at).toBe(ci.s3OutageMs);
  });
});

describe('planEnqueues', () => {
  it('spreads the generations evenly over the enqueue window', () => {
    const firsts = planEnqueues(ci, 5, 'run').filter((i) => !i.repeat);
    expect(firsts).toHaveLength(ci.generations);
    expect(firsts[0]!.at).toBe(0);
    expect(firsts.at(-1)!.at).toBeLessThan(ci.enqueueMs);
    expect(new Set(firsts.map((i) => i.index)).size).toBe(ci.generations);
  });

  it('enqueues a share of them twice under one key, the repeat after the first', () => {
    const plan = planEnqueues(ci, 5, 'run');
    const repeats = plan.filter((i) => i.repeat);
    expect(repeats.length).toBeGreaterThan(ci.generations * ci.idempotentFraction * 0.4);
    expect(repeats.length).toBeLessThan(ci.generations * ci.idempotentFraction * 2);
    for (const repeat of repeats) {
      const first = plan.find((i) => i.index === repeat.index && !i.repeat)!;
      expect(first.idempotencyKey).toBe(repeat.idempotencyKey);
      expect(first.idempotencyKey).toMatch(/^run-/);
      expect(plan.indexOf(first)).toBeLessThan(plan.indexOf(repeat));
    }
    expect(planEnqueues(ci, 5, 'run')).toEqual(plan);
  });
});
