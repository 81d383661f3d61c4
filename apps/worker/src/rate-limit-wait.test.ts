import { describe, expect, it } from 'vitest';
import { MAX_RATE_LIMIT_WAIT_MS, MIN_RATE_LIMIT_WAIT_MS, rateLimitWaitMs } from './rate-limit-wait.ts';

describe('rateLimitWaitMs', () => {
  it('waits as told, within bounds', () => {
    expect(rateLimitWaitMs(2_500)).toBe(2_500);
    expect(rateLimitWaitMs(0)).toBe(MIN_RATE_LIMIT_WAIT_MS);
    expect(rateLimitWaitMs(86_400_000)).toBe(MAX_RATE_LIMIT_WAIT_MS);
  });
  it('waits a second when the upstream named no time', () => {
    expect(rateLimitWaitMs(undefined)).toBe(1_000);
  });
});
