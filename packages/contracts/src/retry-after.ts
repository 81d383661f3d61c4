/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Pure; the clock is passed in.
 * The one parser of the repository: @reelay/webhooks re-exports it as is (strict), and
 * @reelay/vtrix as `parseRetryAfter(value, now)` with `lenient: true`.
 */

export interface RetryAfterOptions {
  /**
   * Also read what some servers send that RFC 9110 does not allow. Strict (the default):
   * delay-seconds of 1–10 ASCII digits, or an HTTP-date in one of its three forms
   * (IMF-fixdate, RFC 850, asctime; case as in the RFC, GMT only). Lenient adds:
   * a negative delay (→ 0), a fractional one (rounded up to whole ms), any number of digits
   * while the result is a safe integer, and any date `Date.parse` reads that has a month
   * name and a time of day (no zone → GMT; e.g. `15 Jan 2025 12:00:30 UTC`,
   * `Wed, 15 Jan 2025 12:00:30 +0100`). Every value strict mode reads, lenient reads the same.
   * @defaultValue false
   */
  lenient?: boolean;
}

const DELAY_SECONDS = /^[0-9]{1,10}$/;
// IMF-fixdate, obsolete RFC 850 and asctime forms; Date.parse alone accepts far more.
const HTTP_DATE = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

const LENIENT_DELAY = /^-?\d+(?:\.\d+)?$/;
const MONTH = /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i;
const CLOCK = /\b\d{1,2}:\d{2}:\d{2}\b/;
const ZONE = /\b(?:gmt|utc|ut|z)\b|[+-]\d{4}\b/i;

/**
 * Milliseconds to wait from `nowMs`, read from a Retry-After header value: 0 for a date
 * already past, undefined when the value is absent or not readable (see `RetryAfterOptions`).
 * Only the first value of a repeated header counts. Clamping is the caller's policy.
 */
export function parseRetryAfter(
  value: string | readonly string[] | null | undefined,
  nowMs: number,
  options: RetryAfterOptions = {},
): number | undefined {
  const raw = typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const strict = strictRetryAfter(text, nowMs);
  if (strict !== undefined || !options.lenient) return strict;
  return lenientRetryAfter(text, nowMs);
}

function strictRetryAfter(text: string, nowMs: number): number | undefined {
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  if (!HTTP_DATE.some((form) => form.test(text))) return undefined;
  // asctime carries no zone; HTTP says it is GMT.
  return untilDate(text.endsWith('GMT') ? text : `${text} GMT`, nowMs);
}

function lenientRetryAfter(text: string, nowMs: number): number | undefined {
  if (LENIENT_DELAY.test(text)) {
    const ms = Math.ceil(Number(text) * 1000);
    return Number.isSafeInteger(ms) ? Math.max(0, ms) : undefined;
  }
  // Date.parse accepts far more than dates ("1", "x 2"), so insist on a month name and a
  // time of day, which all three HTTP date forms have.
  if (!MONTH.test(text) || !CLOCK.test(text)) return undefined;
  // A date without a zone would otherwise be read as local time.
  return untilDate(ZONE.test(text) ? text : `${text} GMT`, nowMs);
}

function untilDate(text: string, nowMs: number): number | undefined {
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
