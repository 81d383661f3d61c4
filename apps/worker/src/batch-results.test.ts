import { describe, expect, it } from 'vitest';
import { resultLine, resultsKey } from './batch-results.ts';
import { recordOf } from './test-records.ts';

describe('the results file', () => {
  it('lives at S3_KEY_PREFIX + batches/<batch id>.jsonl', () => {
    expect(resultsKey('generations/', 'bat_1')).toBe('generations/batches/bat_1.jsonl');
  });

  it('has a line per member: output without its URL, the error without resumable, costs, metadata', () => {
    const ok = recordOf({
      state: 'succeeded',
      output: {
        bucket: 'v',
        key: 'k.mp4',
        uri: 's3://v/k.mp4',
        size: 9,
        sha256: 'ab',
        contentType: 'video/mp4',
      },
      metadata: { sku: 'x1' },
      cost: { estimatedUsd: 0.5, actualUsd: 0.4 },
    });
    expect(resultLine(0, ok.id, ok)).toEqual({
      index: 0,
      id: ok.id,
      state: 'succeeded',
      output: { bucket: 'v', key: 'k.mp4', size: 9, sha256: 'ab' },
      error: null,
      costUsd: { estimated: 0.5, actual: 0.4 },
      metadata: { sku: 'x1' },
    });
    const failed = recordOf({
      state: 'failed',
      error: { stage: 'poll', code: 'REELAY_TASK_FAILED', message: 'm', resumable: false },
      cost: { estimatedUsd: 0.5 },
    });
    expect(resultLine(1, failed.id, failed)).toMatchObject({
      state: 'failed',
      output: null,
      error: { stage: 'poll', code: 'REELAY_TASK_FAILED', message: 'm' },
      costUsd: { estimated: 0.5, actual: null },
    });
    expect(resultLine(2, 'gen_gone', undefined)).toEqual({
      index: 2,
      id: 'gen_gone',
      state: 'expired',
      output: null,
      error: null,
      costUsd: null,
    });
  });
});
