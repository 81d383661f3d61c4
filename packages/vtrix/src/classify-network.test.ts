import { describe, expect, it } from 'vitest';
import { classifyNetworkError } from './classify-network.ts';
import { VtrixError } from './errors.ts';

function sysError(code: string, message = `${code} happened`) {
  return Object.assign(new Error(message), { code });
}

describe('classifyNetworkError', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EPIPE',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
  ])('%s is a transient network error', (code) => {
    const err = classifyNetworkError(sysError(code));
    expect(err).toMatchObject({ code: 'REELAY_UPSTREAM_NETWORK', kind: 'transient', alert: false });
    expect(err.message).toContain(code);
  });

  it.each(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'])(
    '%s is a transient timeout',
    (code) => {
      expect(classifyNetworkError(sysError(code))).toMatchObject({
        code: 'REELAY_UPSTREAM_TIMEOUT',
        kind: 'transient',
      });
    },
  );

  it('a TimeoutError from AbortSignal.timeout is a timeout', () => {
    const reason = new DOMException('The operation timed out.', 'TimeoutError');
    expect(classifyNetworkError(reason).code).toBe('REELAY_UPSTREAM_TIMEOUT');
  });

  it('an abort is transient and says so', () => {
    expect(classifyNetworkError(new DOMException('aborted', 'AbortError'))).toMatchObject({
      code: 'REELAY_UPSTREAM_ABORTED',
      kind: 'transient',
    });
    expect(classifyNetworkError(sysError('UND_ERR_ABORTED')).code).toBe('REELAY_UPSTREAM_ABORTED');
  });

  it('looks through cause chains and AggregateError members', () => {
    const wrapped = new TypeError('fetch failed', { cause: sysError('UND_ERR_HEADERS_TIMEOUT') });
    expect(classifyNetworkError(wrapped).code).toBe('REELAY_UPSTREAM_TIMEOUT');
    const aggregate = new AggregateError([sysError('ECONNREFUSED'), sysError('ETIMEDOUT')], '');
    expect(classifyNetworkError(aggregate).code).toBe('REELAY_UPSTREAM_TIMEOUT');
  });

  it('anything unknown is a transient network error', () => {
    expect(classifyNetworkError('weird')).toMatchObject({
      code: 'REELAY_UPSTREAM_NETWORK',
      kind: 'transient',
    });
    expect(classifyNetworkError(undefined).code).toBe('REELAY_UPSTREAM_NETWORK');
  });

  it('passes a VtrixError through unchanged', () => {
    const original = new VtrixError('REELAY_UPSTREAM_NO_VIDEO');
    expect(classifyNetworkError(original)).toBe(original);
  });

  it('attaches a fresh cause with only name, code, message and stack', () => {
    const original = Object.assign(sysError('ECONNRESET', 'read ECONNRESET'), {
      socket: { remoteAddress: '10.0.0.1' },
      options: { headers: { authorization: 'Bearer secret' } },
    });
    const err = classifyNetworkError(original);
    const cause = err.cause as Error & { code?: string };
    expect(cause).not.toBe(original);
    expect(cause.message).toBe('read ECONNRESET');
    expect(cause.code).toBe('ECONNRESET');
    expect(Object.keys(cause)).toEqual(['code']);
    expect(err.message).toBe('network error talking to Vtrix: read ECONNRESET');
  });
});
