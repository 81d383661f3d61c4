import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2026-05-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('7', NOW)).toBe(7000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
  });

  it('clamps a negative delay to 0', () => {
    expect(parseRetryAfter('-5', NOW)).toBe(0);
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter('Fri, 01 May 2026 12:00:30 GMT', NOW)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 and asctime forms as UTC', () => {
    expect(parseRetryAfter('Friday, 01-May-26 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Fri May  1 12:00:10 2026', NOW)).toBe(10_000);
  });

  it('turns a date in the past into 0', () => {
    expect(parseRetryAfter('Fri, 01 May 2026 11:59:00 GMT', NOW)).toBe(0);
  });

  it('uses the first value of a repeated header', () => {
    expect(parseRetryAfter(['3', '9'], NOW)).toBe(3000);
  });

  it('returns undefined when absent or unreadable', () => {
    for (const value of [undefined, '', '   ', 'soon', '1e3', '5 seconds', 'x 2', 'May', '12:00:00', []]) {
      expect(parseRetryAfter(value as string | string[] | undefined, NOW)).toBeUndefined();
    }
    expect(parseRetryAfter('Fri, 99 Foo 2026 12:00:30 GMT', NOW)).toBeUndefined();
    expect(parseRetryAfter('99999999999999999999', NOW)).toBeUndefined();
  });
});
