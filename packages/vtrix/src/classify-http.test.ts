import { describe, expect, it } from 'vitest';
import { classifyHttpFailure, type HttpFailure } from './classify-http.ts';
import { parseRetryAfter } from './index.ts';

const NOW = Date.parse('2026-05-01T12:00:00Z');

function classify(status: number, extra: Partial<HttpFailure> = {}) {
  return classifyHttpFailure({ status, body: undefined, now: NOW, operation: 'create', ...extra });
}

describe('classifyHttpFailure', () => {
  it('400 is final and keeps the upstream code and message', () => {
    const err = classify(400, {
      body: '{"code":"InvalidParameter","message":"duration must be 2-15","request_id":"r-9"}',
    });
    expect(err).toMatchObject({
      code: 'REELAY_UPSTREAM_BAD_REQUEST',
      kind: 'final',
      alert: false,
      httpStatus: 400,
      upstreamCode: 'InvalidParameter',
      upstreamMessage: 'duration must be 2-15',
      upstreamRequestId: 'r-9',
    });
    expect(err.message).toContain('InvalidParameter: duration must be 2-15');
  });

  it('400 DataInspectionFailed keeps its code from {"error": {...}}', () => {
    const err = classify(400, { body: { error: { code: 'DataInspectionFailed', message: 'unsafe input' } } });
    expect(err.upstreamCode).toBe('DataInspectionFailed');
    expect(err.kind).toBe('final');
  });

  it.each([
    [401, 'REELAY_UPSTREAM_UNAUTHORIZED'],
    [402, 'REELAY_UPSTREAM_PAYMENT_REQUIRED'],
    [403, 'REELAY_UPSTREAM_FORBIDDEN'],
  ])('%i is final and alert-worthy', (status, code) => {
    const err = classify(status, { body: '{"message":"no"}' });
    expect(err).toMatchObject({
      code,
      kind: 'final',
      alert: true,
      httpStatus: status,
      upstreamMessage: 'no',
    });
  });

  it('404 on poll is a missing task; on create a refused request', () => {
    expect(classify(404, { operation: 'poll' })).toMatchObject({
      code: 'REELAY_UPSTREAM_TASK_NOT_FOUND',
      kind: 'final',
    });
    expect(classify(404, { operation: 'create' })).toMatchObject({
      code: 'REELAY_UPSTREAM_REJECTED',
      kind: 'final',
    });
  });

  it.each([408, 409, 425])('%i is transient', (status) => {
    expect(classify(status)).toMatchObject({
      code: 'REELAY_UPSTREAM_RETRY_LATER',
      kind: 'transient',
      alert: false,
    });
  });

  it.each([500, 502, 503, 504, 599])('%i is transient', (status) => {
    expect(classify(status, { body: '<html>bad gateway</html>' })).toMatchObject({
      code: 'REELAY_UPSTREAM_SERVER_ERROR',
      kind: 'transient',
      upstreamMessage: undefined,
    });
  });

  it('503 with Retry-After passes the wait on as a hint', () => {
    expect(classify(503, { headers: { 'retry-after': '4' } }).retryAfterMs).toBe(4000);
  });

  it('429 is rate_limited with Retry-After in seconds', () => {
    const err = classify(429, { headers: { 'retry-after': '12' }, body: '{"error":"slow down"}' });
    expect(err).toMatchObject({
      code: 'REELAY_UPSTREAM_RATE_LIMITED',
      kind: 'rate_limited',
      retryAfterMs: 12_000,
      upstreamMessage: 'slow down',
    });
  });

  it('429 reads an HTTP-date Retry-After against now, with any header case', () => {
    const err = classify(429, { headers: { 'Retry-After': 'Fri, 01 May 2026 12:00:05 GMT' } });
    expect(err.retryAfterMs).toBe(5000);
  });

  it('429 without or with garbage Retry-After has no wait', () => {
    expect(classify(429).retryAfterMs).toBeUndefined();
    expect(classify(429, { headers: { 'retry-after': 'later' } }).retryAfterMs).toBeUndefined();
  });

  it('429 with a past date waits 0', () => {
    expect(classify(429, { headers: { 'retry-after': 'Fri, 01 May 2026 11:00:00 GMT' } }).retryAfterMs).toBe(
      0,
    );
  });

  it('reads Retry-After leniently, as this package always has (the cases: contracts retry-after.test.ts)', () => {
    expect(classify(429, { headers: { 'retry-after': '1.5' } }).retryAfterMs).toBe(1500);
    expect(classify(503, { headers: { 'retry-after': '-5' } }).retryAfterMs).toBe(0);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('-5', NOW)).toBe(0);
    expect(parseRetryAfter(['3', '9'], NOW)).toBe(3000);
    expect(parseRetryAfter('Fri, 01 May 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });

  it('ignores Retry-After on final statuses', () => {
    expect(classify(400, { headers: { 'retry-after': '5' } }).retryAfterMs).toBeUndefined();
  });

  it.each([405, 410, 413, 415, 422, 451, 301, 302])('%i is final', (status) => {
    expect(classify(status)).toMatchObject({ code: 'REELAY_UPSTREAM_REJECTED', kind: 'final', alert: false });
  });

  it('a status outside 3xx–5xx is a bad reply', () => {
    expect(classify(200)).toMatchObject({ code: 'REELAY_UPSTREAM_BAD_REPLY', kind: 'transient' });
    expect(classify(600)).toMatchObject({ code: 'REELAY_UPSTREAM_BAD_REPLY', kind: 'transient' });
  });
});
