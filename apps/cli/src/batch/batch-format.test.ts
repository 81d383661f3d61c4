import type { Batch } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { batchBlock, countsLine, progressLine, watchBatch } from './batch-format.ts';

const batch = (over: Partial<Batch> = {}, counts: Partial<Batch['counts']> = {}): Batch => ({
  id: 'bat_01jd8x3k4m5n6p7q8r9s0t1v2w',
  tenant: 'acme',
  state: 'in_progress',
  created: Date.UTC(2026, 11, 2, 18, 0),
  costUsd: { estimated: 1.2, actual: 0.5 },
  round: 0,
  ...over,
  counts: {
    total: 12,
    queued: 0,
    submitting: 0,
    running: 0,
    copying: 0,
    succeeded: 0,
    failed: 0,
    canceled: 0,
    ...counts,
  },
});

describe('progressLine', () => {
  it('fills the bar with the members that ended', () => {
    const b = batch({}, { queued: 3, running: 2, succeeded: 5, failed: 1, canceled: 1 });
    expect(countsLine(b)).toBe('queued 3 · running 2 · succeeded 5 · failed 1 · canceled 1');
    expect(progressLine(b, 12)).toBe(
      '[#######-----] 7/12 ended (58%) · queued 3 · running 2 · succeeded 5 · failed 1 · canceled 1',
    );
    expect(progressLine(batch({}, { succeeded: 12 }), 4)).toBe('[####] 12/12 ended (100%) · succeeded 12');
    expect(progressLine(batch({}, { total: 0 }), 4)).toBe('[####] 0/0 ended (100%) · no members');
  });
});

describe('batchBlock', () => {
  it('shows the state, counts per state, cost and results file', () => {
    const text = batchBlock(
      batch(
        {
          state: 'completed',
          round: 1,
          completed: Date.UTC(2026, 11, 2, 18, 5),
          manifest: { bucket: 'videos', key: 'reelay/batches/bat_x.jsonl' },
          idempotencyKey: 'nightly-7',
          webhook: { url: 'https://hooks.example/b' },
        },
        { succeeded: 11, failed: 1 },
      ),
    );
    expect(text.split('\n')).toEqual([
      'batch            bat_01jd8x3k4m5n6p7q8r9s0t1v2w',
      'tenant           acme',
      'state            completed',
      'round            1',
      'members          12 (12 ended)',
      '  queued         0',
      '  submitting     0',
      '  running        0',
      '  copying        0',
      '  succeeded      11',
      '  failed         1',
      '  canceled       0',
      'cost             0.50 USD actual, 1.20 USD estimated',
      'created          2026-12-02T18:00:00.000Z',
      'ended            2026-12-02T18:05:00.000Z',
      'results file     s3://videos/reelay/batches/bat_x.jsonl',
      'idempotency key  nightly-7',
      'webhook          https://hooks.example/b',
    ]);
  });

  it('says when the results file is not there yet', () => {
    expect(batchBlock(batch())).toContain('results file  not yet (written once every member has ended)');
    expect(batchBlock(batch({ state: 'canceled' }))).toContain('results file  being written');
  });
});

describe('watchBatch', () => {
  it('redraws the line until the batch ended and its file is written, then prints the summary', async () => {
    const seen = [
      batch({}, { queued: 12 }),
      batch({}, { running: 6, succeeded: 6 }),
      batch({ state: 'completed' }, { succeeded: 12 }),
      batch({ state: 'completed', manifest: { bucket: 'b', key: 'k' } }, { succeeded: 12 }),
    ];
    let reads = 0;
    let out = '';
    const last = await watchBatch({
      get: async () => seen[Math.min(reads++, seen.length - 1)],
      write: (t) => {
        out += t;
      },
      pause: async () => {},
      stopped: () => false,
    });
    expect(reads).toBe(4);
    expect(last?.manifest).toEqual({ bucket: 'b', key: 'k' });
    const draws = out.split('\r\x1b[2K').filter(Boolean);
    expect(draws).toHaveLength(4);
    expect(draws[0]).toMatch(/^\[-+\] 0\/12 ended \(0%\) · queued 12$/);
    expect(draws[1]).toMatch(/ 6\/12 ended \(50%\)/);
    expect(draws[3]).toContain('12/12 ended (100%)');
    expect(draws[3]).toContain('\nbatch  ');
    expect(out.endsWith('results file  s3://b/k\n')).toBe(true);
  });

  it('stops waiting for the results file after manifestWaitMs, and when interrupted', async () => {
    let t = 0;
    let out = '';
    const ended = batch({ state: 'canceled' }, { canceled: 12 });
    const last = await watchBatch({
      get: async () => ended,
      write: (x) => {
        out += x;
      },
      pause: async (ms) => {
        t += ms;
      },
      stopped: () => false,
      now: () => t,
      intervalMs: 500,
      manifestWaitMs: 2_000,
    });
    expect(last).toBe(ended);
    expect(t).toBe(2_000);
    expect(out).toContain('results file  being written');

    let stop = false;
    const interrupted = await watchBatch({
      get: async () => batch({}, { queued: 12 }),
      write: () => {},
      pause: async () => {
        stop = true;
      },
      stopped: () => stop,
    });
    expect(interrupted?.state).toBe('in_progress');
    expect(
      await watchBatch({
        get: async () => undefined,
        write: () => {},
        pause: async () => {},
        stopped: () => false,
      }),
    ).toBeUndefined();
  });
});
