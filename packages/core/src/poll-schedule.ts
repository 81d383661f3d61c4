/**
 * How often to re-check an upstream task: the first poll after `initialDelayMs` (near the
 * shortest plausible generation), then each poll `ratio` × the time since submit + `slackMs`
 * after the previous one, capped at `maxDelayMs`. A task that ends just after a poll at t is
 * then seen by t × (1 + ratio) + slack, so the detection lag stays within `ratio` of the task's
 * duration (+ slack) while the number of polls grows only with the logarithm of the duration.
 * Chosen by the polling-efficiency benchmark (docs/BENCHMARKS.md): a third of the polls of fixed
 * 5 s polling, p99 lag within 10% of the duration + 1 s.
 */
export type PollSchedule = {
  initialDelayMs: number;
  maxDelayMs: number;
  ratio: number;
  slackMs: number;
  deadlineMs: number;
  /** Each delay is shortened by up to this fraction, so tasks submitted together spread out. */
  jitter?: number;
};

/**
 * The schedule when nothing says otherwise; the POLL_* variables of the config default to these
 * (config.ts reads them from here), so the SDK gets them without loading the config schema.
 */
export const DEFAULT_POLL_SCHEDULE: Readonly<PollSchedule> = Object.freeze({
  initialDelayMs: 30_000,
  maxDelayMs: 120_000,
  ratio: 0.1,
  slackMs: 1_000,
  deadlineMs: 30 * 60_000,
});

/**
 * Delay before poll number `n` (1-based), `elapsedMs` after the submit. Jitter only shortens a
 * delay, so it never breaks the lag bound. Never busy-waits: at least 10 ms.
 */
export function pollDelay(
  schedule: PollSchedule,
  n: number,
  elapsedMs: number,
  random: () => number,
): number {
  const base =
    n <= 1
      ? schedule.initialDelayMs
      : Math.min(schedule.maxDelayMs, schedule.ratio * elapsedMs + schedule.slackMs);
  return Math.max(10, Math.round(base * (1 - (schedule.jitter ?? 0.1) * random())));
}

/** Time since the upstream task was created (the enqueue, before one exists). */
export function sinceSubmit(
  record: { createdAt: number; upstream: { submittedAt?: number } },
  now: number,
): number {
  return Math.max(0, now - (record.upstream.submittedAt ?? record.createdAt));
}
