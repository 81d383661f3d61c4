import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERRORS, type ErrorSpec, errorSpec, isReelayErrorCode } from './error-catalogue.ts';

const entries = Object.entries(ERRORS) as [string, ErrorSpec][];

describe('error catalogue', () => {
  it('names every code REELAY_<UPPER_SNAKE>, never an environment variable name', () => {
    for (const code of Object.keys(ERRORS)) {
      expect(code).toMatch(/^REELAY_[A-Z]+(?:_[A-Z]+)*$/);
    }
    expect(Object.keys(ERRORS)).not.toContain('REELAY_QUEUE_PREFIX');
    expect(Object.keys(ERRORS)).not.toContain('REELAY_WEBHOOK_SECRET');
  });

  it('gives every code a kind, a resumable flag and a one-line meaning that fits a table cell', () => {
    for (const [code, spec] of entries) {
      expect(['final', 'transient', 'rate_limited'], code).toContain(spec.kind);
      expect(typeof spec.resumable, code).toBe('boolean');
      expect(spec.meaning.length, code).toBeGreaterThan(10);
      expect(spec.meaning, code).not.toMatch(/[|\n`]/);
      expect(spec.meaning, code).toBe(spec.meaning.trim());
      if (spec.varies !== undefined) expect(spec.varies, code).not.toMatch(/[|\n`]/);
    }
  });

  it('marks codes that never fail a generation as not resumable', () => {
    const neverFail = (code: string) =>
      /^REELAY_(API|WEBHOOK)_/.test(code) ||
      [
        'REELAY_INVALID_REQUEST',
        'REELAY_IDEMPOTENCY_CONFLICT',
        'REELAY_GENERATION_NOT_FOUND',
        'REELAY_GENERATION_FINISHED',
        'REELAY_CONFIG_INVALID',
        'REELAY_REDIS_NOT_INSTALLED',
        'REELAY_NOTIFY_NO_SECRET',
        'REELAY_CANCELED',
      ].includes(code);
    const resumable = entries.filter(([code, spec]) => neverFail(code) && spec.resumable).map(([c]) => c);
    expect(resumable).toEqual([]);
  });

  it('marks exactly the upstream 401/402/403 codes as alerts', () => {
    expect(entries.filter(([, spec]) => spec.alert).map(([code]) => code)).toEqual([
      'REELAY_UPSTREAM_UNAUTHORIZED',
      'REELAY_UPSTREAM_PAYMENT_REQUIRED',
      'REELAY_UPSTREAM_FORBIDDEN',
    ]);
  });

  it('keeps the facts the brief fixed for codes written outside the catalogue owners', () => {
    expect(ERRORS.REELAY_CANCELED).toMatchObject({ kind: 'final', resumable: false });
    expect(ERRORS.REELAY_GENERATION_DEADLINE).toMatchObject({ kind: 'final', resumable: false });
    expect(ERRORS.REELAY_STAGE_ERROR).toMatchObject({ kind: 'transient', resumable: true });
    expect(ERRORS.REELAY_POLL_DEADLINE).toMatchObject({ kind: 'final', resumable: true });
    expect(ERRORS.REELAY_UPSTREAM_RATE_LIMITED.kind).toBe('rate_limited');
  });

  it('looks codes up, and tells a code from any other string', () => {
    expect(errorSpec('REELAY_SINK_UPLOAD_FAILED')).toBe(ERRORS.REELAY_SINK_UPLOAD_FAILED);
    expect(errorSpec('REELAY_NOPE')).toBeUndefined();
    expect(errorSpec('toString')).toBeUndefined();
    expect(isReelayErrorCode('REELAY_CANCELED')).toBe(true);
    expect(isReelayErrorCode('REELAY_QUEUE_PREFIX')).toBe(false);
    expect(isReelayErrorCode('constructor')).toBe(false);
    expect(isReelayErrorCode(42)).toBe(false);
    expect(ERROR_CODES).toEqual(Object.keys(ERRORS));
  });
});
