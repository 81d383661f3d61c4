/**
 * The polling-efficiency model: how many upstream reads a schedule spends per task and how late
 * it notices the end, over a distribution of task durations. Pure and instantaneous (no waiting):
 * a poll at elapsed time t sees the task finished when t ≥ its duration, as the simulator does.
 */
import { mean, quantile } from './stats.ts';

/** What a schedule knows when it picks the delay before poll `n` (1-based): `elapsedMs` since the create. */
export type PollContext = { n: number; elapsedMs: number };
/** Any polling schedule: the delay (ms) before poll `n`. Reelay's `pollDelay` is one; see schedules.ts. */
export type ScheduleFn = (ctx: PollContext, random: () => number) => number;

export type TaskResult = { polls: number; lagMs: number };

/** Polls one task of `durationMs` until a poll sees it done: how many polls, and how late that one came. */
export function simulateTask(
  schedule: ScheduleFn,
  durationMs: number,
  random: () => number,
  maxPolls = 100_000,
): TaskResult {
  let t = 0;
  for (let n = 1; n <= maxPolls; n++) {
    const delay = schedule({ n, elapsedMs: t }, random);
    if (!(delay >= 0)) throw new RangeError(`schedule gave delay ${delay} before poll ${n}`);
    t += delay;
    if (t >= durationMs) return { polls: n, lagMs: t - durationMs };
  }
  throw new Error(`schedule did not reach ${durationMs} ms within ${maxPolls} polls`);
}

/** The lag target: 10% of the task's duration plus one second. */
export const lagBudgetMs = (durationMs: number): number => 0.1 * durationMs + 1_000;

export type Evaluation = {
  /** Upstream reads per generation. */
  polls: { mean: number; p50: number; p99: number };
  /** Task end → the poll that sees it. */
  lagMs: { p50: number; p99: number; max: number };
  /** p99 over tasks of lag / (10% of duration + 1 s): ≤ 1 means the lag target holds. */
  lagBudgetP99: number;
  /** The worst task's lag / budget. */
  lagBudgetMax: number;
};

export function evaluate(
  schedule: ScheduleFn,
  durationsMs: readonly number[],
  random: () => number,
): Evaluation {
  const polls: number[] = [];
  const lags: number[] = [];
  const budget: number[] = [];
  for (const d of durationsMs) {
    const r = simulateTask(schedule, d, random);
    polls.push(r.polls);
    lags.push(r.lagMs);
    budget.push(r.lagMs / lagBudgetMs(d));
  }
  return {
    polls: { mean: mean(polls), p50: quantile(polls, 0.5), p99: quantile(polls, 0.99) },
    lagMs: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: Math.max(...lags) },
    lagBudgetP99: quantile(budget, 0.99),
    lagBudgetMax: Math.max(...budget),
  };
}

/** The target: at most a third of fixed-5 s polling's reads, and p99 lag within budget. */
export function judge(candidate: Evaluation, fixed5s: Evaluation): { pollRatio: number; met: boolean } {
  const pollRatio = candidate.polls.mean / fixed5s.polls.mean;
  return { pollRatio, met: pollRatio <= 1 / 3 && candidate.lagBudgetP99 <= 1 };
}

/** `n` task durations drawn uniformly from [minMs, maxMs]. */
export function uniformDurations(n: number, minMs: number, maxMs: number, random: () => number): number[] {
  return Array.from({ length: n }, () => minMs + (maxMs - minMs) * random());
}

/** Mulberry32: a small seeded PRNG, so every figure of the model is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
