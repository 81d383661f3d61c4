import { describe, expect, it } from 'vitest';
import { mean, median, pairedRatios, quantile, ratio, round, summarize } from './stats.ts';

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBeCloseTo(9.91);
  });
  it('gives the extremes at 0 and 1 and ignores input order', () => {
    expect(quantile([3, 1, 2], 0)).toBe(1);
    expect(quantile([3, 1, 2], 1)).toBe(3);
  });
  it('does not modify its input', () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });
  it('is NaN for no values and refuses q outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });
});

describe('summaries', () => {
  it('median, mean and min–max over runs', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(summarize([4, 2, 9])).toEqual({ median: 4, min: 2, max: 9, runs: 3 });
    expect(summarize([]).runs).toBe(0);
  });
  it('pairs ratios run by run', () => {
    // Run 2 was slow for both systems: paired, the ratio stays 0.5 throughout.
    expect(pairedRatios([50, 10, 50], [100, 20, 100])).toEqual({ median: 0.5, min: 0.5, max: 0.5, runs: 3 });
  });
  it('never reports Infinity', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
    expect(pairedRatios([1, 2], [0, 4]).runs).toBe(1);
  });
  it('rounds to significant digits', () => {
    expect(round(1234.567)).toBe(1230);
    expect(round(0.012345, 2)).toBe(0.012);
    expect(round(0)).toBe(0);
  });
});
