/**
 * The retry schedule for webhook delivery: the delay before each retry, in order. The
 * default spans about three days (seconds, then minutes, then hours), long enough to
 * ride out a receiver's weekend outage.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Delays after attempts 1…9; a tenth failure is final. */
export const DEFAULT_DELIVERY_SCHEDULE_MS: readonly number[] = Object.freeze([
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
]);

const UNIT_MS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };
const DURATION = /^([0-9]{1,9})(ms|s|m|h|d)$/;

export type ParsedDeliverySchedule = { ok: true; scheduleMs: number[] } | { ok: false; error: string };

/** Parses `5s,5m,30m,2h` (units ms, s, m, h, d; whole positive numbers). */
export function parseDeliverySchedule(text: string): ParsedDeliverySchedule {
  if (text.trim() === '') return { ok: false, error: 'delivery schedule is empty' };
  const scheduleMs: number[] = [];
  const problems: string[] = [];
  text.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    const match = DURATION.exec(entry);
    const amount = match ? Number(match[1]) : 0;
    const unit = match ? UNIT_MS[match[2] ?? ''] : undefined;
    if (unit === undefined || amount <= 0) {
      problems.push(
        `entry #${index + 1} ${JSON.stringify(entry)} is not a positive duration like 500ms, 5s, 5m, 2h or 1d`,
      );
      return;
    }
    scheduleMs.push(amount * unit);
  });
  if (problems.length > 0) return { ok: false, error: `invalid delivery schedule: ${problems.join('; ')}` };
  return { ok: true, scheduleMs };
}
