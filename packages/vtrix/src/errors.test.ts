import { describe, expect, it } from 'vitest';
import { isVtrixError, VTRIX_ERRORS, VtrixError, type VtrixErrorCode } from './errors.ts';

describe('VtrixError', () => {
  it('takes kind, alert and default message from the catalogue', () => {
    const err = new VtrixError('REELAY_UPSTREAM_UNAUTHORIZED', { httpStatus: 401 });
    expect(err.kind).toBe('final');
    expect(err.alert).toBe(true);
    expect(err.message).toBe(VTRIX_ERRORS.REELAY_UPSTREAM_UNAUTHORIZED.message);
    expect(err.httpStatus).toBe(401);
    expect(err.name).toBe('VtrixError');
    expect(err).toBeInstanceOf(Error);
  });

  it('marks exactly 401/402/403 codes as alert-worthy', () => {
    const alerting = (Object.keys(VTRIX_ERRORS) as VtrixErrorCode[]).filter((c) => VTRIX_ERRORS[c].alert);
    expect(alerting.sort()).toEqual([
      'REELAY_UPSTREAM_FORBIDDEN',
      'REELAY_UPSTREAM_PAYMENT_REQUIRED',
      'REELAY_UPSTREAM_UNAUTHORIZED',
    ]);
  });

  it('uses stable REELAY_UPSTREAM_ codes with a message each', () => {
    for (const [code, entry] of Object.entries(VTRIX_ERRORS)) {
      expect(code).toMatch(/^REELAY_UPSTREAM_[A-Z_]+$/);
      expect(entry.message.length).toBeGreaterThan(0);
      expect(['final', 'transient', 'rate_limited']).toContain(entry.kind);
    }
  });

  it('is recognized by brand, also for a look-alike from another copy of the package', () => {
    const err = new VtrixError('REELAY_UPSTREAM_TIMEOUT');
    expect(isVtrixError(err)).toBe(true);
    const foreign = { [Symbol.for('reelay.vtrix.error')]: true, code: 'REELAY_UPSTREAM_TIMEOUT' };
    expect(isVtrixError(foreign)).toBe(true);
    expect(foreign instanceof VtrixError).toBe(true);
    expect(isVtrixError(new Error('x'))).toBe(false);
    expect(new Error('x') instanceof VtrixError).toBe(false);
    expect(isVtrixError(null)).toBe(false);
    expect(isVtrixError('REELAY_UPSTREAM_TIMEOUT')).toBe(false);
  });

  it('serializes to JSON with message, code, kind and a cause summary', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = new VtrixError('REELAY_UPSTREAM_NETWORK', { message: 'boom', cause });
    const json = JSON.parse(JSON.stringify(err));
    expect(json).toMatchObject({
      name: 'VtrixError',
      code: 'REELAY_UPSTREAM_NETWORK',
      kind: 'transient',
      alert: false,
      message: 'boom',
      cause: { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
    });
    expect(err.cause).toBe(cause);
  });
});
