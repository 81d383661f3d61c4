/** How often to re-check an upstream task. @see decidePollDelay */
export type PollSchedule = {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  deadlineMs: number;
  jitter?: number;
};

/**
 * Delay before poll number `n` (1-based): the first comes after `initialDelayMs`, each next one
 * `factor` times longer, capped at `maxDelayMs`, with ±jitter (20%) so thousands of tasks
 * submitted together do not poll in lockstep. Never busy-waits: at least 10 ms.
 */
export function pollDelay(schedule: PollSchedule, n: number, random: () => number): number {
  const base = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * schedule.factor ** Math.max(0, n - 1));
  const jitter = schedule.jitter ?? 0.2;
  return Math.max(10, Math.round(base * (1 - jitter + 2 * jitter * random())));
}
