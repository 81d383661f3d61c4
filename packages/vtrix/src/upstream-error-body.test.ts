import { describe, expect, it } from 'vitest';
import { codeToString, extractUpstreamError } from './upstream-error-body.ts';

describe('extractUpstreamError', () => {
  it('reads {"message"}', () => {
    expect(extractUpstreamError('{"message":"Invalid model"}')).toEqual({ message: 'Invalid model' });
  });

  it('reads {"error": "…"}', () => {
    expect(extractUpstreamError('{"error":"quota exhausted"}')).toEqual({ message: 'quota exhausted' });
  });

  it('reads {"error": {"code","message"}}', () => {
    expect(
      extractUpstreamError({ error: { code: 'InvalidParameter', message: 'duration out of range' } }),
    ).toEqual({
      code: 'InvalidParameter',
      message: 'duration out of range',
    });
  });

  it('reads {"code","message","request_id"}', () => {
    const body = '{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"req-1"}';
    expect(extractUpstreamError(body)).toEqual({
      code: 'InvalidApiKey',
      message: 'Invalid API-key provided.',
      requestId: 'req-1',
    });
  });

  it('reads {"error": {"code","error_message"}} with a numeric code', () => {
    expect(extractUpstreamError({ error: { code: 1001, error_message: 'bad' } })).toEqual({
      code: '1001',
      message: 'bad',
    });
  });

  it('reads the {"status": {"code","message"}} envelope', () => {
    expect(extractUpstreamError('{"data":null,"status":{"code":"002014001","message":"failed"}}')).toEqual({
      code: '002014001',
      message: 'failed',
    });
  });

  it('prefers the nested error over top-level fields', () => {
    expect(extractUpstreamError({ code: 'Outer', error: { code: 'Inner', message: 'm' } })).toEqual({
      code: 'Inner',
      message: 'm',
    });
  });

  it('keeps short plain text but not HTML pages', () => {
    expect(extractUpstreamError('Too Many Requests')).toEqual({ message: 'Too Many Requests' });
    expect(extractUpstreamError('<html><body>502 Bad Gateway</body></html>')).toEqual({});
  });

  it('yields nothing for empty or odd bodies', () => {
    for (const body of [undefined, '', '   ', 'null', '[]', '42', '{}', { error: null }, { message: 7 }]) {
      expect(extractUpstreamError(body)).toEqual({});
    }
  });

  it('bounds very long messages', () => {
    const info = extractUpstreamError({ message: 'x'.repeat(5000) });
    expect(info.message!.length).toBeLessThanOrEqual(1001);
  });
});

describe('codeToString', () => {
  it('keeps leading zeros of string codes and stringifies numbers', () => {
    expect(codeToString('002014001')).toBe('002014001');
    expect(codeToString(2014001)).toBe('2014001');
    expect(codeToString('')).toBeUndefined();
    expect(codeToString(Number.NaN)).toBeUndefined();
    expect(codeToString(null)).toBeUndefined();
  });
});
