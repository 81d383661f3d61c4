/**
 * Polling schedules as `ScheduleFn`s for the model: Reelay's own `pollDelay` (imported, so a change
 * to it is evaluated as is), the two reference clients, and the elapsed-proportional shape this
 * benchmark proposes.
 */
import { type PollSchedule, pollDelay } from '@reelay/core';
import type { ScheduleFn } from './poll-model.ts';

/** Reelay's schedule with the given settings (POLL_INITIAL_DELAY_MS, POLL_INTERVAL_RATIO, POLL_SLACK_MS, POLL_MAX_DELAY_MS). */
export function reelaySchedule(settings: PollSchedule): ScheduleFn {
  return ({ n, elapsedMs }, random) => pollDelay(settings, n, elapsedMs, random);
}

/** The geometric shape Reelay had before (initial × factor^(n−1), capped, ±20% jitter): kept to compare. */
export type GeometricSchedule = {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  deadlineMs: number;
};
export function geometricSchedule(s: GeometricSchedule): ScheduleFn {
  return ({ n }, random) => {
    const base = Math.min(s.maxDelayMs, s.initialDelayMs * s.factor ** Math.max(0, n - 1));
    return Math.max(10, Math.round(base * (0.8 + 0.4 * random())));
  };
}

/** A fixed interval, first poll one interval after the create (the Vtrix CLI polls every 5 s). */
export function fixedSchedule(intervalMs: number): ScheduleFn {
  return () => intervalMs;
}

/**
 * DashScope SDK's `wait()` (dashscope/client/base_api.py): the first read right after the create,
 * then 1 s, doubling every 3 reads, capped at 5 s: 0, 1, 1, 2, 2, 2, 4, 4, 4, 5, 5 …
 */
export function dashScopeSchedule(): ScheduleFn {
  return ({ n }) => (n === 1 ? 0 : Math.min(5_000, 1_000 * 2 ** Math.floor((n - 1) / 3)));
}

/**
 * The proposed shape. The first poll comes at `firstMs` (the shortest plausible task); each later
 * one `ratio` × the time elapsed since the create + `slackMs` after the previous, capped at `maxMs`.
 * A task that ends just after a poll at t is then seen by t·(1 + ratio) + slack: with ratio 0.1 and
 * 1 s slack the lag can never pass 10% of the duration + 1 s, while the number of polls grows only
 * with the logarithm of the duration. Jitter only shortens a delay, so it never breaks that bound.
 */
export type ProportionalSchedule = {
  firstMs: number;
  ratio: number;
  slackMs: number;
  maxMs: number;
  /** Each delay is shortened by up to this fraction, drawn uniformly, so tasks created together spread out. */
  jitter: number;
};

/** The proposed `pollDelay` (pure; the lead can adopt it with `elapsedMs = now − submittedAt`). */
export function proportionalPollDelay(
  s: ProportionalSchedule,
  n: number,
  elapsedMs: number,
  random: () => number,
): number {
  const base = n <= 1 ? s.firstMs : Math.min(s.maxMs, s.ratio * elapsedMs + s.slackMs);
  return Math.max(10, Math.round(base * (1 - s.jitter * random())));
}

export function proportionalSchedule(s: ProportionalSchedule): ScheduleFn {
  return ({ n, elapsedMs }, random) => proportionalPollDelay(s, n, elapsedMs, random);
}

/** The settings this benchmark recommends for the proportional shape (see docs/BENCHMARKS.md). */
export const PROPOSED: ProportionalSchedule = {
  firstMs: 30_000,
  ratio: 0.1,
  slackMs: 1_000,
  maxMs: 120_000,
  jitter: 0.1,
};
