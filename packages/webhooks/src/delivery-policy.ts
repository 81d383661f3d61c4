/**
 * What to do after a delivery attempt: a pure function of the outcome, the attempt count,
 * the policy, a random source (for jitter) and the clock (for Retry-After dates).
 *
 *   2xx               → delivered
 *   410 Gone          → gone (the receiver asked us to stop; never retried)
 *   no retries left   → exhausted
 *   429 / 503 with a usable Retry-After → retry after it, clamped to [min, max]
 *   anything else (3xx, 4xx, 5xx, network, timeout, refused URL) → retry on the schedule ±jitter
 */
import { parseRetryAfter } from '@reelay/contracts';
import type { DeliveryOutcome } from './delivery-outcome.ts';
import { DEFAULT_DELIVERY_SCHEDULE_MS } from './delivery-schedule.ts';

export interface DeliveryPolicy {
  /** Delay before retry n (index n-1). Its length is the number of retries. */
  scheduleMs: readonly number[];
  /** Relative spread of each scheduled delay, so retries from one outage do not stampede. @defaultValue 0.2 */
  jitter: number;
  /** Floor for a receiver's Retry-After. @defaultValue 1000 */
  minRetryAfterMs: number;
  /** Ceiling for a receiver's Retry-After. @defaultValue 86_400_000 (24 h) */
  maxRetryAfterMs: number;
}

export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  scheduleMs: DEFAULT_DELIVERY_SCHEDULE_MS,
  jitter: 0.2,
  minRetryAfterMs: 1000,
  maxRetryAfterMs: 24 * 60 * 60 * 1000,
});

export type DeliveryDecision =
  | { kind: 'delivered' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'gone' }
  | { kind: 'exhausted' };

export function isSuccessStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status <= 299;
}

/**
 * @param attempt 1-based count of attempts made so far, this one included.
 * @param random  returns [0, 1), like Math.random; injected so tests are exact.
 * @param nowMs   the clock, for Retry-After given as an HTTP date.
 */
export function decideDelivery(
  outcome: DeliveryOutcome,
  attempt: number,
  policy: DeliveryPolicy,
  random: () => number,
  nowMs: number,
): DeliveryDecision {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be an integer >= 1 (got ${attempt})`);
  }
  if (outcome.ok && isSuccessStatus(outcome.status)) return { kind: 'delivered' };
  if (outcome.status === 410) return { kind: 'gone' };
  const base = policy.scheduleMs[attempt - 1];
  if (base === undefined) return { kind: 'exhausted' };

  if (outcome.status === 429 || outcome.status === 503) {
    const wait = parseRetryAfter(outcome.retryAfter, nowMs);
    if (wait !== undefined) {
      return {
        kind: 'retry',
        delayMs: Math.min(policy.maxRetryAfterMs, Math.max(policy.minRetryAfterMs, wait)),
      };
    }
  }
  const spread = 1 + policy.jitter * (2 * random() - 1);
  return { kind: 'retry', delayMs: Math.max(0, Math.round(base * spread)) };
}
