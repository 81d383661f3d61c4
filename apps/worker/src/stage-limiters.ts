/**
 * The stages' global rates as BullMQ limiters: BullMQ keeps one limiter per queue in Redis, so
 * every worker process shares it. Pure.
 */
export type Limiter = { max: number; duration: number };

/** Submit's rate (SUBMIT_RATE_PER_SEC): `max` per second, or one per `1 / rate` s below 1. */
export function submitLimiter(ratePerSec: number): Limiter | undefined {
  if (ratePerSec <= 0) return undefined;
  return ratePerSec >= 1
    ? { max: Math.round(ratePerSec), duration: 1_000 }
    : { max: 1, duration: Math.round(1_000 / ratePerSec) };
}

/**
 * The poll budget (POLL_RATE_PER_SEC): never more than `rate` polls in any one second, the way an
 * upstream counts them (DashScope: 20 task queries a second per account). BullMQ's limiter counts
 * `max` per fixed window of `duration` ms, so a sliding second can hold ⌈1000 / d⌉ + 1 windows'
 * worth: the window and `max` are chosen so that even that stays within `rate`, using as much of
 * the budget as the constraint allows (e.g. 20/s: one per 53 ms, 18.9/s).
 */
export function pollLimiter(ratePerSec: number): Limiter | undefined {
  if (ratePerSec <= 0) return undefined;
  let best: Limiter = { max: 1, duration: 1_000 };
  let bestRate = 0;
  for (let duration = 1; duration <= 1_000; duration++) {
    const max = Math.floor(ratePerSec / (Math.ceil(1_000 / duration) + 1));
    const rate = (max * 1_000) / duration;
    if (max >= 1 && rate > bestRate) {
      best = { max, duration };
      bestRate = rate;
    }
  }
  // Below 2 (refused by the configuration) no window keeps a sliding second within the rate.
  return best;
}
