import { describe, expect, it } from 'vitest';
import { formatFigure, renderSection, replaceSection } from './report.ts';
import type { ScenarioResult } from './scenario.ts';

const meta = {
  command: 'node test/bench/run.ts --only sink',
  date: '2026-11-24 05:00 UTC',
  revision: 'abc1234',
  machine: { nproc: 2, memoryGB: 24.1, cpu: 'Test CPU', node: 'v24.0.0', redis: '7.0.15' },
  load: { start: 0.5, end: 1.2 },
  seconds: 61.4,
};

describe('formatFigure', () => {
  it('prints a summary as median (min–max), a single run or a number plainly', () => {
    expect(formatFigure({ median: 12.5, min: 11, max: 14, runs: 3 })).toBe('12.5 (11–14)');
    expect(formatFigure({ median: 7, min: 7, max: 7, runs: 1 })).toBe('7');
    expect(formatFigure(12_345.6)).toBe('12,346');
    expect(formatFigure(Number.NaN)).toBe('–');
    expect(formatFigure(undefined)).toBe('');
  });
});

describe('renderSection', () => {
  it('says how, where and when it was measured, and marks misses', () => {
    const result: ScenarioResult = {
      name: 'sink',
      title: 'Sink',
      setup: '1 GiB',
      rows: [
        {
          figure: 'copy | throughput',
          unit: 'MiB/s',
          reelay: 90,
          baseline: 100,
          ratio: 0.9,
          target: '≥ 0.9 ×',
          met: true,
        },
        { figure: 'peak RSS', unit: 'MB', reelay: 250, target: '≤ 200 MB', met: false },
      ],
      notes: ['a note'],
      details: {},
    };
    const md = renderSection(result, meta);
    expect(md).toContain(
      '`node test/bench/run.ts --only sink` at abc1234 — 2026-11-24 05:00 UTC, 61 s; 2 CPU × Test CPU, 24.1 GB, Node v24.0.0, Redis 7.0.15; load average 0.5 → 1.2',
    );
    expect(md).toContain('| copy \\| throughput | MiB/s | 90 | 100 | 0.9 | ≥ 0.9 × | yes |');
    expect(md).toContain('| peak RSS | MB | 250 |  |  | ≤ 200 MB | **no** |');
    expect(md).toContain('- a note');
  });
});

describe('replaceSection', () => {
  it('rewrites only the marked section and keeps the prose around it', () => {
    const doc = 'intro\n<!-- bench:sink:start -->\nold\n<!-- bench:sink:end -->\noutro\n';
    expect(replaceSection(doc, 'sink', 'new')).toBe(
      'intro\n<!-- bench:sink:start -->\nnew\n<!-- bench:sink:end -->\noutro\n',
    );
  });
  it('appends a marked section when the document has none', () => {
    expect(replaceSection('# Benchmarks\n', 'scale', 'x')).toBe(
      '# Benchmarks\n\n<!-- bench:scale:start -->\nx\n<!-- bench:scale:end -->\n',
    );
  });
});
