import { describe, expect, it } from 'vitest';
import { buildEvent } from './build-event.ts';
import { recordOf } from './test-records.ts';

describe('buildEvent', () => {
  const output = {
    bucket: 'b',
    key: 'generations/g.mp4',
    uri: 's3://b/generations/g.mp4',
    size: 10,
    sha256: 'ab',
    contentType: 'video/mp4',
  };
  const succeeded = recordOf({
    state: 'succeeded',
    metadata: { order: 7 },
    upstream: { taskId: 't1', submitIntents: 1 },
    output,
    timeline: [
      { state: 'queued', at: 1_000 },
      { state: 'running', at: 2_000 },
      { state: 'succeeded', at: 61_000 },
    ],
  });

  it('carries output, metadata, task id and timings for succeeded', () => {
    const e = buildEvent(succeeded, 'generation.succeeded', 62_000);
    expect(e).toEqual({
      type: 'generation.succeeded',
      timestamp: new Date(62_000).toISOString(),
      data: {
        id: succeeded.id,
        state: 'succeeded',
        tenant: 'default',
        metadata: { order: 7 },
        output,
        upstream: { taskId: 't1' },
        timings: {
          createdAt: new Date(1_000).toISOString(),
          finishedAt: new Date(61_000).toISOString(),
          durationMs: 60_000,
          stages: {
            queued: new Date(1_000).toISOString(),
            running: new Date(2_000).toISOString(),
            succeeded: new Date(61_000).toISOString(),
          },
        },
      },
    });
    expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThan(20 * 1024);
  });

  it('carries the error without internal fields for failed', () => {
    const failed = recordOf({
      state: 'failed',
      error: {
        stage: 'poll',
        code: 'REELAY_UPSTREAM_TASK_FAILED',
        message: 'boom',
        upstreamCode: '002014001',
        resumable: false,
      },
    });
    const e = buildEvent(failed, 'generation.failed', 5_000);
    expect(e.data.error).toEqual({
      stage: 'poll',
      code: 'REELAY_UPSTREAM_TASK_FAILED',
      message: 'boom',
      upstreamCode: '002014001',
    });
    expect(e.data.output).toBeUndefined();
    expect(e.data.metadata).toEqual({});
  });
});
