/**
 * Searches the geometric schedule shape Reelay had before (initial delay × factor^(n−1), capped, ±20% jitter) for
 * the settings that meet the polling target with the fewest polls. Pure: a grid, screened on a
 * small sample with an early exit once a candidate has spent more polls than the target allows;
 * the survivors closest to the lag target are re-evaluated on the full sample.
 */
import {
  type Evaluation,
  evaluate,
  judge,
  lagBudgetMs,
  type ScheduleFn,
  simulateTask,
} from './poll-model.ts';
import { type GeometricSchedule, geometricSchedule } from './schedules.ts';
import { quantile } from './stats.ts';

export type Candidate = {
  settings: GeometricSchedule;
  evaluation: Evaluation;
  pollRatio: number;
  met: boolean;
};

const S = 1_000;
export const GRID = {
  initialMs: [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30].map((s) => s * S),
  factor: [1, 1.02, 1.03, 1.04, 1.05, 1.055, 1.06, 1.065, 1.07, 1.08, 1.1, 1.12, 1.15, 1.2, 1.3, 1.5],
  maxMs: [5, 10, 15, 20, 30, 40, 50, 60, 90, 120].map((s) => s * S),
};

/**
 * Screens one schedule on `durations`: undefined as soon as it spends more than `pollLimit` polls
 * on average, else the p99 of lag / budget on this sample (to rank the near misses too).
 */
function screen(
  schedule: ScheduleFn,
  durations: readonly number[],
  pollLimit: number,
  random: () => number,
): number | undefined {
  const maxPolls = pollLimit * durations.length;
  const budget: number[] = [];
  let polls = 0;
  for (const d of durations) {
    const r = simulateTask(schedule, d, random, 10_000);
    polls += r.polls;
    if (polls > maxPolls) return undefined;
    budget.push(r.lagMs / lagBudgetMs(d));
  }
  return quantile(budget, 0.99);
}

export function searchReelaySettings(opts: {
  screenDurations: readonly number[];
  fullDurations: readonly number[];
  fixed5s: Evaluation;
  deadlineMs: number;
  random: () => number;
  /** How many screened survivors to re-evaluate on the full sample. */
  keep?: number;
}): { tried: number; passedScreen: number; best: Candidate[] } {
  const pollLimit = opts.fixed5s.polls.mean / 3;
  const survivors: Array<{ settings: GeometricSchedule; budgetP99: number }> = [];
  let tried = 0;
  for (const initialDelayMs of GRID.initialMs)
    for (const factor of GRID.factor)
      for (const maxDelayMs of GRID.maxMs) {
        if (maxDelayMs < initialDelayMs) continue; // the config refuses it
        tried++;
        const settings = { initialDelayMs, factor, maxDelayMs, deadlineMs: opts.deadlineMs };
        const budgetP99 = screen(geometricSchedule(settings), opts.screenDurations, pollLimit, opts.random);
        if (budgetP99 !== undefined) survivors.push({ settings, budgetP99 });
      }
  // Only the closest to the lag target go on to the full sample.
  survivors.sort((a, b) => a.budgetP99 - b.budgetP99);
  const finalists = survivors.slice(0, 3 * (opts.keep ?? 5)).map((s) => s.settings);
  const evaluated = finalists.map((settings): Candidate => {
    const evaluation = evaluate(geometricSchedule(settings), opts.fullDurations, opts.random);
    return { settings, evaluation, ...judge(evaluation, opts.fixed5s) };
  });
  evaluated.sort(
    (a, b) =>
      Number(b.met) - Number(a.met) ||
      (a.met
        ? a.evaluation.polls.mean - b.evaluation.polls.mean
        : a.evaluation.lagBudgetP99 - b.evaluation.lagBudgetP99),
  );
  return { tried, passedScreen: survivors.length, best: evaluated.slice(0, opts.keep ?? 5) };
}
