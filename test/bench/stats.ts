/** Order statistics for benchmark figures. Pure; inputs are never modified. */

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks (Hyndman–Fan type 7). */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be within [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export function mean(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Several runs of one figure: the median is the headline, min–max shows the noise. */
export type Summary = { median: number; min: number; max: number; runs: number };

export function summarize(values: readonly number[]): Summary {
  if (!values.length) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** a / b, NaN when b is 0 or either is missing (never Infinity in a report). */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/**
 * Ratios of paired runs (run i of Reelay over run i of the baseline, measured back to back), then
 * summarized: pairing cancels the machine's drift between runs better than a ratio of medians.
 */
export function pairedRatios(reelay: readonly number[], baseline: readonly number[]): Summary {
  const n = Math.min(reelay.length, baseline.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(ratio(reelay[i]!, baseline[i]!));
  return summarize(out.filter(Number.isFinite));
}

/** Rounds to `digits` significant digits, for compact JSON and tables. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** A summary with its figures rounded to 3 significant digits. */
export const roundSummary = <T extends { median: number; min: number; max: number }>(s: T): T => ({
  ...s,
  median: round(s.median),
  min: round(s.min),
  max: round(s.max),
});
