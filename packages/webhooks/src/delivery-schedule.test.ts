import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_SCHEDULE_MS, parseDeliverySchedule } from './delivery-schedule.ts';

describe('DEFAULT_DELIVERY_SCHEDULE_MS', () => {
  it('is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h', () => {
    expect(parseDeliverySchedule('5s,5m,30m,2h,5h,10h,14h,20h,24h')).toEqual({
      ok: true,
      scheduleMs: [...DEFAULT_DELIVERY_SCHEDULE_MS],
    });
    expect(DEFAULT_DELIVERY_SCHEDULE_MS[0]).toBe(5_000);
    expect(DEFAULT_DELIVERY_SCHEDULE_MS.at(-1)).toBe(86_400_000);
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_DELIVERY_SCHEDULE_MS)).toBe(true);
  });
});

describe('parseDeliverySchedule', () => {
  it('reads every unit and tolerates spaces', () => {
    expect(parseDeliverySchedule(' 250ms, 5s ,5m,2h,1d ')).toEqual({
      ok: true,
      scheduleMs: [250, 5_000, 300_000, 7_200_000, 86_400_000],
    });
  });

  it('names each bad entry by position and text', () => {
    const parsed = parseDeliverySchedule('5s,5x,,0m,1.5h,10');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain('entry #2 "5x"');
    expect(parsed.error).toContain('entry #3 ""');
    expect(parsed.error).toContain('entry #4 "0m"');
    expect(parsed.error).toContain('entry #5 "1.5h"');
    expect(parsed.error).toContain('entry #6 "10"');
    expect(parsed.error).not.toContain('entry #1');
  });

  it('refuses an empty schedule', () => {
    expect(parseDeliverySchedule(' ')).toEqual({ ok: false, error: 'delivery schedule is empty' });
  });
});
