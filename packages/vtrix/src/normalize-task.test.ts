import { describe, expect, it } from 'vitest';
import { isVtrixError, type VtrixError } from './errors.ts';
import { classifyStatus, normalizeProgress, normalizeTask } from './normalize-task.ts';

const VIDEO = 'https://cdn.example.com/v.mp4';

function completed(extra: Record<string, unknown> = {}) {
  return {
    id: 'd758n65e878c73cmdg20',
    model: 'wan27_i2v',
    created_at: 1769757744021,
    status: 'completed',
    output: [{ content: [{ type: 'video', url: VIDEO, duration: 5, jobId: 'j1' }] }],
    usage: { cost: '0.35' },
    metadata: { queued_ms: 10 },
    ...extra,
  };
}

function thrown(fn: () => unknown): VtrixError {
  try {
    fn();
  } catch (err) {
    if (isVtrixError(err)) return err;
    throw err;
  }
  throw new Error('expected a VtrixError');
}

describe('normalizeTask: documented shape', () => {
  it('reads a completed task', () => {
    expect(normalizeTask(completed())).toEqual({
      id: 'd758n65e878c73cmdg20',
      status: 'completed',
      upstreamStatus: 'completed',
      video: { url: VIDEO, durationS: 5 },
      cost: '0.35',
    });
  });

  it('reads a running task with progress', () => {
    expect(normalizeTask({ id: 't1', status: 'in_progress', progress: 0.4 })).toEqual({
      id: 't1',
      status: 'running',
      upstreamStatus: 'in_progress',
      progress: 0.4,
    });
  });

  it('reads a failed task with {code, message}', () => {
    const task = normalizeTask({
      id: 't1',
      status: 'failed',
      error: { code: 'InternalError', message: 'oops' },
    });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'InternalError', message: 'oops' } });
  });

  it('tolerates unknown fields anywhere', () => {
    const task = normalizeTask(
      completed({
        brand_new: { nested: [1, 2] },
        output: [{ content: [{ type: 'video', url: VIDEO, extra: true }], x: 1 }],
      }),
    );
    expect(task.video).toEqual({ url: VIDEO });
  });
});

describe('normalizeTask: statuses', () => {
  it.each([
    'in_progress',
    'pending',
    'processing',
    'in_queue',
    'PENDING',
    'RUNNING',
    'queued',
    'something_new',
  ])('%s is running', (status) => {
    expect(normalizeTask({ id: 't', status })).toMatchObject({ status: 'running', upstreamStatus: status });
  });

  it.each(['UNKNOWN', 'unknown'])(
    '%s (task data expired) is a final not-found: no polling for ever',
    (status) => {
      expect(() => normalizeTask({ id: 't', status })).toThrow(
        expect.objectContaining({ code: 'REELAY_UPSTREAM_TASK_NOT_FOUND', kind: 'final' }),
      );
      expect(() => normalizeTask({ output: { task_id: 't', task_status: status } })).toThrow(
        /no longer knows it/,
      );
    },
  );

  it.each(['completed', 'success', 'succeeded', 'SUCCEEDED', 'Completed', 'SUCCESS'])(
    '%s is completed',
    (status) => {
      expect(normalizeTask(completed({ status }))).toMatchObject({
        status: 'completed',
        upstreamStatus: status,
      });
    },
  );

  it.each(['failed', 'FAILED', 'Failed'])('%s is failed', (status) => {
    expect(normalizeTask({ id: 't', status })).toMatchObject({ status: 'failed', upstreamStatus: status });
  });

  it.each(['CANCELED', 'canceled', 'cancelled'])('%s is failed with code CANCELED', (status) => {
    const task = normalizeTask({ id: 't', status, error: { code: 'X', message: 'user canceled' } });
    expect(task).toMatchObject({ status: 'failed', error: { code: 'CANCELED', message: 'user canceled' } });
    expect(normalizeTask({ id: 't', status }).error).toEqual({
      code: 'CANCELED',
      message: 'Vtrix task was canceled',
    });
  });

  it('classifyStatus ignores case and surrounding space', () => {
    expect(classifyStatus('  Succeeded ')).toBe('completed');
    expect(classifyStatus('Canceled')).toBe('canceled');
  });
});

describe('normalizeTask: error variants', () => {
  it('{code, error_message}', () => {
    expect(
      normalizeTask({ id: 't', status: 'failed', error: { code: 'E1', error_message: 'bad frame' } }).error,
    ).toEqual({
      code: 'E1',
      message: 'bad frame',
    });
  });

  it('a plain string', () => {
    expect(normalizeTask({ id: 't', status: 'failed', error: 'content moderation' }).error).toEqual({
      code: 'REELAY_UPSTREAM_TASK_FAILED',
      message: 'content moderation',
    });
  });

  it('a numeric code becomes a string', () => {
    expect(
      normalizeTask({ id: 't', status: 'failed', error: { code: 2014001, message: 'm' } }).error?.code,
    ).toBe('2014001');
  });

  it('a string code keeps its leading zeros', () => {
    const task = normalizeTask({
      id: 't',
      status: 'failed',
      error: { code: '002014001', message: 'video generation failed' },
    });
    expect(task.error).toEqual({ code: '002014001', message: 'video generation failed' });
  });

  it('DashScope-style code and message on output', () => {
    const task = normalizeTask({
      request_id: 'r',
      output: { task_id: 'ds1', task_status: 'FAILED', code: 'DataInspectionFailed', message: 'unsafe' },
    });
    expect(task).toMatchObject({
      id: 'ds1',
      status: 'failed',
      error: { code: 'DataInspectionFailed', message: 'unsafe' },
    });
  });

  it('a failure without any detail gets Reelay defaults', () => {
    for (const error of [undefined, null, {}, '', { code: '' }]) {
      expect(normalizeTask({ id: 't', status: 'failed', error }).error).toEqual({
        code: 'REELAY_UPSTREAM_TASK_FAILED',
        message: 'Vtrix task failed',
      });
    }
  });

  it('an error field on a running task is not reported', () => {
    expect(normalizeTask({ id: 't', status: 'processing', error: null }).error).toBeUndefined();
  });
});

describe('normalizeTask: output variants', () => {
  it('type video_url and a string duration', () => {
    const task = normalizeTask(
      completed({ output: [{ content: [{ type: 'video_url', url: VIDEO, duration: '5.0' }] }] }),
    );
    expect(task.video).toEqual({ url: VIDEO, durationS: 5 });
  });

  it('skips non-video content and picks the first video', () => {
    const task = normalizeTask(
      completed({
        output: [
          {
            content: [
              { type: 'image', url: 'https://x/i.png' },
              { type: 'text', text: 'hi' },
            ],
          },
          {
            content: [
              { type: 'VIDEO', url: VIDEO },
              { type: 'video', url: 'https://x/second.mp4' },
            ],
          },
        ],
      }),
    );
    expect(task.video).toEqual({ url: VIDEO });
  });

  it('reads a nested {video_url: {url}} and DashScope output.video_url', () => {
    expect(
      normalizeTask(completed({ output: [{ content: [{ type: 'video_url', video_url: { url: VIDEO } }] }] }))
        .video,
    ).toEqual({
      url: VIDEO,
    });
    expect(
      normalizeTask({ output: { task_id: 'ds', task_status: 'SUCCEEDED', video_url: VIDEO } }).video,
    ).toEqual({
      url: VIDEO,
    });
  });

  it('omits an unreadable duration', () => {
    const task = normalizeTask(
      completed({ output: [{ content: [{ type: 'video', url: VIDEO, duration: 'five' }] }] }),
    );
    expect(task.video).toEqual({ url: VIDEO });
  });

  it('a completed task without a video URL is final NO_VIDEO', () => {
    for (const output of [
      undefined,
      [],
      [{ content: [] }],
      [{ content: [{ type: 'video', url: '' }] }],
      [{ content: [{ type: 'image', url: VIDEO }] }],
    ]) {
      const err = thrown(() => normalizeTask(completed({ output })));
      expect(err).toMatchObject({ code: 'REELAY_UPSTREAM_NO_VIDEO', kind: 'final' });
    }
  });
});

describe('normalizeTask: usage.cost', () => {
  it.each([
    ['0.35', '0.35'],
    [0.35, '0.35'],
    [2, '2'],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %j', (cost, expected) => {
    expect(normalizeTask({ id: 't', status: 'pending', usage: { cost } }).cost).toBe(expected);
  });

  it('tolerates usage: null', () => {
    expect(normalizeTask({ id: 't', status: 'pending', usage: null }).cost).toBeUndefined();
  });
});

describe('normalizeTask: envelope and ids', () => {
  it('unwraps {"data": {...}, "status": {...}} with task_id', () => {
    const task = normalizeTask({
      data: { task_id: 'old-1', status: 'success', output: [{ content: [{ type: 'video', url: VIDEO }] }] },
      status: { code: 0, message: 'ok' },
    });
    expect(task).toMatchObject({ id: 'old-1', status: 'completed', video: { url: VIDEO } });
  });

  it('accepts a numeric id', () => {
    expect(normalizeTask({ id: 12345, status: 'pending' }).id).toBe('12345');
  });

  it('an envelope carrying only an error is a transient bad reply with the upstream detail', () => {
    const err = thrown(() => normalizeTask({ data: null, status: { code: 1002, message: 'system busy' } }));
    expect(err).toMatchObject({
      code: 'REELAY_UPSTREAM_BAD_REPLY',
      kind: 'transient',
      upstreamCode: '1002',
      upstreamMessage: 'system busy',
    });
  });

  it.each([null, 'text', 42, [], {}, { status: 'completed' }, { id: '' }])(
    'unreadable reply %j is BAD_REPLY',
    (json) => {
      expect(thrown(() => normalizeTask(json))).toMatchObject({
        code: 'REELAY_UPSTREAM_BAD_REPLY',
        kind: 'transient',
      });
    },
  );

  it('a reply without a status is BAD_REPLY', () => {
    expect(thrown(() => normalizeTask({ id: 't' }))).toMatchObject({ code: 'REELAY_UPSTREAM_BAD_REPLY' });
    expect(thrown(() => normalizeTask({ id: 't', status: 7 }))).toMatchObject({
      code: 'REELAY_UPSTREAM_BAD_REPLY',
    });
  });
});

describe('normalizeProgress', () => {
  it('keeps fractions, reads percentages and numeric strings, clamps, drops garbage', () => {
    expect(normalizeProgress(0.25)).toBe(0.25);
    expect(normalizeProgress(1)).toBe(1);
    expect(normalizeProgress(45)).toBe(0.45);
    expect(normalizeProgress('0.5')).toBe(0.5);
    expect(normalizeProgress(250)).toBe(1);
    expect(normalizeProgress(-1)).toBe(0);
    expect(normalizeProgress('half')).toBeUndefined();
    expect(normalizeProgress(null)).toBeUndefined();
  });

  it('garbage progress never breaks a running task', () => {
    expect(normalizeTask({ id: 't', status: 'pending', progress: { pct: 3 } })).toEqual({
      id: 't',
      status: 'running',
      upstreamStatus: 'pending',
    });
  });
});
