import { ERRORS } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { isUrlExpired, UrlExpiredError } from './s3-copy.ts';
import { isStageError, StageError } from './stage-error.ts';

describe('StageError', () => {
  it('takes kind, resumable and the default message from the catalogue', () => {
    const e = new StageError('poll', 'REELAY_POLL_DEADLINE');
    expect(e).toMatchObject({ name: 'StageError', stage: 'poll', code: 'REELAY_POLL_DEADLINE' });
    expect(e.kind).toBe('final');
    expect(e.resumable).toBe(true);
    expect(e.message).toBe(ERRORS.REELAY_POLL_DEADLINE.meaning);

    const sink = new StageError('sink', 'REELAY_SINK_UPLOAD_FAILED', 'upload failed: boom');
    expect(sink.kind).toBe('transient');
    expect(sink.resumable).toBe(true);
    expect(sink.message).toBe('upload failed: boom');

    expect(new StageError('sink', 'REELAY_SINK_NO_VIDEO_URL').resumable).toBe(false);
  });

  it('keeps the upstream code and the cause', () => {
    const cause = new Error('inner');
    const e = new StageError('poll', 'REELAY_UPSTREAM_TASK_FAILED', 'failed', { upstreamCode: 'X1', cause });
    expect(e.upstreamCode).toBe('X1');
    expect(e.cause).toBe(cause);
    expect(e.resumable).toBe(false);
  });

  it('is recognized by brand, also from another copy of the worker', () => {
    expect(isStageError(new StageError('submit', 'REELAY_SUBMIT_UNCERTAIN'))).toBe(true);
    expect(isStageError({ [Symbol.for('reelay.stage.error')]: true })).toBe(true);
    expect(isStageError(new Error('x'))).toBe(false);
    expect(isStageError(new UrlExpiredError(403))).toBe(false);
  });
});

describe('UrlExpiredError', () => {
  it('is recognized by brand', () => {
    expect(isUrlExpired(new UrlExpiredError(404))).toBe(true);
    expect(isUrlExpired({ [Symbol.for('reelay.sink.url-expired')]: true })).toBe(true);
    expect(isUrlExpired(new StageError('sink', 'REELAY_SINK_URL_EXPIRED'))).toBe(false);
    expect(isUrlExpired(undefined)).toBe(false);
  });
});
