import { describe, expect, it } from 'vitest';
import { parseArgs, SCENARIO_NAMES } from './args.ts';

describe('parseArgs', () => {
  it('defaults to every scenario, three runs, no profile', () => {
    expect(parseArgs([])).toEqual({
      ok: true,
      args: {
        quick: false,
        only: [...SCENARIO_NAMES],
        runs: 3,
        profile: false,
        noWait: false,
        render: false,
        preload: [],
      },
    });
  });
  it('quick means one run unless told otherwise', () => {
    const quick = parseArgs(['--quick']);
    expect(quick.ok && quick.args.runs).toBe(1);
    const more = parseArgs(['--quick', '--runs', '2']);
    expect(more.ok && more.args.runs).toBe(2);
  });
  it('takes --only and --runs with a space or an equals sign', () => {
    const r = parseArgs(['--only=sink,polling', '--runs=5', '--profile', '--no-wait', '--render']);
    expect(r.ok && r.args).toMatchObject({
      only: ['sink', 'polling'],
      runs: 5,
      profile: true,
      noWait: true,
      render: true,
    });
  });
  it('selects batch-create, which the default and quick runs include', () => {
    const r = parseArgs(['--only', 'batch-create']);
    expect(r.ok && r.args.only).toEqual(['batch-create']);
    const quick = parseArgs(['--quick']);
    expect(quick.ok && quick.args.only).toContain('batch-create');
  });
  it('takes what-if preloads', () => {
    const r = parseArgs(['--preload', 'what-if/skip-head.ts,what-if/lean-redact.ts']);
    expect(r.ok && r.args.preload).toEqual(['what-if/skip-head.ts', 'what-if/lean-redact.ts']);
    expect(parseArgs(['--preload', ''])).toMatchObject({ ok: false });
  });
  it('names what is wrong', () => {
    expect(parseArgs(['--only', 'fast'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown scenario fast'),
    });
    expect(parseArgs(['--runs', '0'])).toMatchObject({ ok: false, error: expect.stringContaining('--runs') });
    expect(parseArgs(['--runs', 'x'])).toMatchObject({ ok: false });
    expect(parseArgs(['--fast'])).toMatchObject({ ok: false, error: 'unknown argument --fast' });
  });
});
