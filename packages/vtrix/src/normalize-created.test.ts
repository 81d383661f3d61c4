import { describe, expect, it } from 'vitest';
import { isVtrixError, type VtrixError } from './errors.ts';
import { normalizeCreated } from './normalize-created.ts';

function thrown(fn: () => unknown): VtrixError {
  try {
    fn();
  } catch (err) {
    if (isVtrixError(err)) return err;
    throw err;
  }
  throw new Error('expected a VtrixError');
}

describe('normalizeCreated', () => {
  it('reads the documented reply', () => {
    expect(
      normalizeCreated({
        id: 'd758n65e878c73cmdg20',
        created_at: 1769757744021,
        status: 'in_progress',
        model: 'wan27_i2v',
      }),
    ).toEqual({ id: 'd758n65e878c73cmdg20', upstreamStatus: 'in_progress', createdAt: 1769757744021 });
  });

  it('reads the envelope with task_id', () => {
    expect(
      normalizeCreated({
        data: { task_id: 'old-7', status: 'pending' },
        status: { code: 0, message: 'success' },
      }),
    ).toEqual({
      id: 'old-7',
      upstreamStatus: 'pending',
    });
  });

  it('reads a DashScope reply', () => {
    expect(
      normalizeCreated({ request_id: 'r', output: { task_id: 'ds-1', task_status: 'PENDING' } }),
    ).toEqual({
      id: 'ds-1',
      upstreamStatus: 'PENDING',
    });
  });

  it('tolerates a missing status and a string created_at', () => {
    expect(normalizeCreated({ id: 'x', created_at: '1769757744021' })).toEqual({
      id: 'x',
      upstreamStatus: 'unknown',
      createdAt: 1769757744021,
    });
  });

  it('reads created_at given as an ISO 8601 string', () => {
    expect(
      normalizeCreated({ id: 'x', status: 'in_progress', created_at: '2026-01-30T07:22:24.021Z' }),
    ).toMatchObject({
      createdAt: Date.parse('2026-01-30T07:22:24.021Z'),
    });
    expect(normalizeCreated({ id: 'x', created_at: 'yesterday' }).createdAt).toBeUndefined();
  });

  it('a reply without an id is a final failed create carrying the upstream message', () => {
    const err = thrown(() =>
      normalizeCreated({ status: 'failed', error: { code: 'InvalidURL', message: 'media url unreachable' } }),
    );
    expect(err).toMatchObject({
      code: 'REELAY_UPSTREAM_CREATE_FAILED',
      kind: 'final',
      upstreamCode: 'InvalidURL',
      upstreamMessage: 'media url unreachable',
    });
    expect(err.message).toContain('media url unreachable');
  });

  it('an envelope without data carries the envelope status', () => {
    const err = thrown(() =>
      normalizeCreated({ data: null, status: { code: '002014001', message: 'balance too low' } }),
    );
    expect(err).toMatchObject({
      code: 'REELAY_UPSTREAM_CREATE_FAILED',
      upstreamCode: '002014001',
      upstreamMessage: 'balance too low',
    });
  });

  it.each([{}, { message: 'nope' }, { id: '' }, { id: null }, null, [], 'ok'])(
    '%j is a failed create',
    (json) => {
      expect(thrown(() => normalizeCreated(json)).code).toBe('REELAY_UPSTREAM_CREATE_FAILED');
    },
  );
});
