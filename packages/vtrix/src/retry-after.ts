// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP date. Pure; the clock is passed in.

const DELTA_SECONDS = /^-?\d+(?:\.\d+)?$/;
const MONTH = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;
const CLOCK = /\b\d{1,2}:\d{2}:\d{2}\b/;
const ZONE = /\b(?:gmt|utc|ut|z)\b|[+-]\d{4}\b/i;

/**
 * Milliseconds to wait, from a Retry-After header value.
 * Absent or unreadable → `undefined`; a negative delay or a date in the past → `0`.
 * Only the first value of a repeated header counts.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;

  if (DELTA_SECONDS.test(text)) {
    const ms = Math.ceil(Number(text) * 1000);
    return Number.isSafeInteger(ms) ? Math.max(0, ms) : undefined;
  }

  // Date.parse accepts far more than HTTP dates ("1", "x 2"), so insist on a month name
  // and a time of day, which all three HTTP date forms have.
  if (!MONTH.test(text) || !CLOCK.test(text)) return undefined;
  // HTTP dates are UTC; the asctime form carries no zone and would otherwise be read as local time.
  const at = Date.parse(ZONE.test(text) ? text : `${text} GMT`);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - now);
}
