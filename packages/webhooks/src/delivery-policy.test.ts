import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from './delivery-outcome.ts';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy, decideDelivery } from './delivery-policy.ts';
import { DEFAULT_DELIVERY_SCHEDULE_MS } from './delivery-schedule.ts';

const NOW = Date.parse('2025-01-15T12:00:00Z');
const mid = () => 0.5; // no jitter
const failed = (status?: number, retryAfter?: string): DeliveryOutcome => ({
  ok: false,
  latencyMs: 10,
  ...(status === undefined
    ? { error: { code: 'REELAY_WEBHOOK_CONNECTION_REFUSED', message: 'refused' } }
    : { status }),
  ...(retryAfter === undefined ? {} : { retryAfter }),
});
const decide = (
  outcome: DeliveryOutcome,
  attempt: number,
  random = mid,
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
) => decideDelivery(outcome, attempt, policy, random, NOW);

describe('decideDelivery', () => {
  it.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(decide({ ok: true, status, latencyMs: 5 }, 1)).toEqual({ kind: 'delivered' });
  });

  it('a 2xx whose body then timed out is not delivered', () => {
    const outcome: DeliveryOutcome = {
      ok: false,
      status: 200,
      error: { code: 'REELAY_WEBHOOK_TIMEOUT', message: 't' },
      latencyMs: 1,
    };
    expect(decide(outcome, 1)).toEqual({ kind: 'retry', delayMs: 5_000 });
  });

  it('walks the default schedule, then is exhausted after the tenth attempt', () => {
    const delays = DEFAULT_DELIVERY_SCHEDULE_MS.map((_, i) => decide(failed(500), i + 1));
    expect(delays).toEqual(DEFAULT_DELIVERY_SCHEDULE_MS.map((delayMs) => ({ kind: 'retry', delayMs })));
    expect(decide(failed(500), 10)).toEqual({ kind: 'exhausted' });
    expect(decide(failed(500), 11)).toEqual({ kind: 'exhausted' });
  });

  it('applies ±20% jitter from the injected random', () => {
    expect(decide(failed(500), 1, () => 0)).toEqual({ kind: 'retry', delayMs: 4_000 });
    expect(decide(failed(500), 1, () => 0.999999)).toEqual({ kind: 'retry', delayMs: 6_000 });
    expect(decide(failed(500), 2, () => 0.75)).toEqual({ kind: 'retry', delayMs: 330_000 });
  });

  it.each([301, 302, 307, 308, 400, 401, 404, 500, 502, 504])(
    '%i is a failure retried on the schedule',
    (status) => {
      expect(decide(failed(status), 3)).toEqual({ kind: 'retry', delayMs: 30 * 60_000 });
    },
  );

  it('network failures (no status) are retried on the schedule', () => {
    expect(decide(failed(), 1)).toEqual({ kind: 'retry', delayMs: 5_000 });
  });

  it('410 is gone on any attempt, even the last', () => {
    expect(decide(failed(410), 1)).toEqual({ kind: 'gone' });
    expect(decide(failed(410), 10)).toEqual({ kind: 'gone' });
  });

  it.each([429, 503])('%i honours Retry-After in seconds, without jitter', (status) => {
    expect(decide(failed(status, '120'), 1, () => 0)).toEqual({ kind: 'retry', delayMs: 120_000 });
  });

  it('honours Retry-After as an HTTP date', () => {
    expect(decide(failed(503, 'Wed, 15 Jan 2025 12:10:00 GMT'), 4)).toEqual({
      kind: 'retry',
      delayMs: 600_000,
    });
  });

  it('clamps Retry-After to the policy bounds', () => {
    expect(decide(failed(429, '0'), 1)).toEqual({ kind: 'retry', delayMs: 1_000 });
    expect(decide(failed(429, String(10 * 86_400)), 1)).toEqual({ kind: 'retry', delayMs: 86_400_000 });
    const policy = { ...DEFAULT_DELIVERY_POLICY, minRetryAfterMs: 30_000, maxRetryAfterMs: 60_000 };
    expect(decide(failed(429, '5'), 1, mid, policy)).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decide(failed(429, '3600'), 1, mid, policy)).toEqual({ kind: 'retry', delayMs: 60_000 });
  });

  it('falls back to the schedule when Retry-After is absent or unreadable', () => {
    expect(decide(failed(429), 2)).toEqual({ kind: 'retry', delayMs: 300_000 });
    expect(decide(failed(503, 'later'), 2)).toEqual({ kind: 'retry', delayMs: 300_000 });
  });

  it('ignores Retry-After on other statuses', () => {
    expect(decide(failed(500, '1'), 2)).toEqual({ kind: 'retry', delayMs: 300_000 });
  });

  it('stops when the retries are used up, even if Retry-After asks for another', () => {
    expect(decide(failed(429, '1'), 10)).toEqual({ kind: 'exhausted' });
  });

  it('follows a custom schedule', () => {
    const policy = { ...DEFAULT_DELIVERY_POLICY, scheduleMs: [100, 200], jitter: 0 };
    expect(decide(failed(500), 1, () => 0, policy)).toEqual({ kind: 'retry', delayMs: 100 });
    expect(decide(failed(500), 2, () => 0, policy)).toEqual({ kind: 'retry', delayMs: 200 });
    expect(decide(failed(500), 3, () => 0, policy)).toEqual({ kind: 'exhausted' });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %s', (attempt) => {
    expect(() => decide(failed(500), attempt)).toThrow(RangeError);
  });
});
