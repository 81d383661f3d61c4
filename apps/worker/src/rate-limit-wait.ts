/** Bounds on how long a 429 pauses a whole stage queue. */
export const MIN_RATE_LIMIT_WAIT_MS = 100;
export const MAX_RATE_LIMIT_WAIT_MS = 10 * 60_000;

/**
 * The pause after a 429: Retry-After when given (0 included: Redis refuses a zero expiry, and
 * an immediate retry would only meet the limit again), 1 s when not, within sane bounds.
 */
export function rateLimitWaitMs(retryAfterMs: number | undefined): number {
  return Math.min(MAX_RATE_LIMIT_WAIT_MS, Math.max(MIN_RATE_LIMIT_WAIT_MS, retryAfterMs ?? 1_000));
}
