import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2025-01-15T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
    ['86400', 86_400_000],
  ])('reads delay-seconds %j', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([
    ['IMF-fixdate', 'Wed, 15 Jan 2025 12:00:30 GMT', 30_000],
    ['RFC 850 date', 'Wednesday, 15-Jan-25 12:01:00 GMT', 60_000],
    ['asctime date', 'Wed Jan 15 12:02:00 2025', 120_000],
    ['asctime date with a one-digit day', 'Wed Jan  1 00:00:00 2025', 0],
  ])('reads an %s relative to now', (_name, value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it('gives 0 for a date already past', () => {
    expect(parseRetryAfter('Tue, 14 Jan 2025 12:00:00 GMT', NOW)).toBe(0);
  });

  it.each([
    undefined,
    null,
    '',
    'soon',
    '-5',
    '1.5',
    '1e3',
    '2025-01-15T12:00:30Z',
    'Wed, 15 Jan 2025 12:00:30 PST',
    '99999999999',
  ])('gives undefined for %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
