// Merged from packages/webhooks/src/retry-after.test.ts (strict) and
// packages/vtrix/src/retry-after.test.ts (lenient); every case of both is kept.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

describe('parseRetryAfter, strict (RFC 9110; what @reelay/webhooks uses)', () => {
  const NOW = Date.parse('2025-01-15T12:00:00Z');

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

  it('uses the first value of a repeated header', () => {
    expect(parseRetryAfter(['3', '9'], NOW)).toBe(3000);
    expect(parseRetryAfter([], NOW)).toBeUndefined();
  });
});

describe('parseRetryAfter, lenient (what @reelay/vtrix uses)', () => {
  const NOW = Date.parse('2026-05-01T12:00:00Z');
  const lenient = { lenient: true };

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', NOW, lenient)).toBe(0);
    expect(parseRetryAfter('7', NOW, lenient)).toBe(7000);
    expect(parseRetryAfter(' 120 ', NOW, lenient)).toBe(120_000);
    expect(parseRetryAfter('1.5', NOW, lenient)).toBe(1500);
  });

  it('clamps a negative delay to 0', () => {
    expect(parseRetryAfter('-5', NOW, lenient)).toBe(0);
  });

  it('reads an IMF-fixdate relative to now', () => {
    expect(parseRetryAfter('Fri, 01 May 2026 12:00:30 GMT', NOW, lenient)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 and asctime forms as UTC', () => {
    expect(parseRetryAfter('Friday, 01-May-26 12:01:00 GMT', NOW, lenient)).toBe(60_000);
    expect(parseRetryAfter('Fri May  1 12:00:10 2026', NOW, lenient)).toBe(10_000);
  });

  it('turns a date in the past into 0', () => {
    expect(parseRetryAfter('Fri, 01 May 2026 11:59:00 GMT', NOW, lenient)).toBe(0);
  });

  it('uses the first value of a repeated header', () => {
    expect(parseRetryAfter(['3', '9'], NOW, lenient)).toBe(3000);
  });

  it('returns undefined when absent or unreadable', () => {
    for (const value of [undefined, '', '   ', 'soon', '1e3', '5 seconds', 'x 2', 'May', '12:00:00', []]) {
      expect(parseRetryAfter(value, NOW, lenient)).toBeUndefined();
    }
    expect(parseRetryAfter('Fri, 99 Foo 2026 12:00:30 GMT', NOW, lenient)).toBeUndefined();
    expect(parseRetryAfter('99999999999999999999', NOW, lenient)).toBeUndefined();
  });

  it('reads dates outside the three HTTP forms when they have a month and a time of day', () => {
    expect(parseRetryAfter('1 May 2026 12:00:30 UTC', NOW, lenient)).toBe(30_000);
    expect(parseRetryAfter('fri, 01 may 2026 12:00:30 gmt', NOW, lenient)).toBe(30_000);
    expect(parseRetryAfter('Fri, 01 May 2026 13:00:30 +0100', NOW, lenient)).toBe(30_000);
    expect(parseRetryAfter('May 1 2026 12:00:30', NOW, lenient)).toBe(30_000);
  });
});

describe('parseRetryAfter: where the two modes differ', () => {
  const NOW = Date.parse('2025-01-15T12:00:00Z');

  it.each([
    ['-5', 0],
    ['-0', 0],
    ['1.5', 1500],
    ['0.0001', 1],
    ['99999999999', 99_999_999_999_000],
    ['wed, 15 jan 2025 12:00:30 gmt', 30_000],
    ['Wed, 5 Jan 2025 12:00:30 GMT', 0],
    ['Wed, 15 Jan 2025 12:00:30 UTC', 30_000],
  ])('%j: strict undefined, lenient %j', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
    expect(parseRetryAfter(value, NOW, { lenient: true })).toBe(ms);
  });

  it.each([
    '0',
    '007',
    '9999999999',
    'Wed, 15 Jan 2025 12:00:30 GMT',
    'Wednesday, 15-Jan-25 12:01:00 GMT',
    'Wed Jan 15 12:02:00 2025',
    'Tue, 14 Jan 2025 12:00:00 GMT',
  ])('%j reads the same in both', (value) => {
    const strict = parseRetryAfter(value, NOW);
    expect(strict).toBeTypeOf('number');
    expect(parseRetryAfter(value, NOW, { lenient: true })).toBe(strict);
  });

  it.each([
    '+5',
    '1e3',
    '99999999999999999999',
    '2025-01-15T12:00:30Z',
    'Wed, 32 Jan 2025 12:00:30 GMT',
    '١٢',
  ])('%j is unreadable in both', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
    expect(parseRetryAfter(value, NOW, { lenient: true })).toBeUndefined();
  });
});
