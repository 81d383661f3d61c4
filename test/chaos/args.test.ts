import { describe, expect, it } from 'vitest';
import { defaultReportPath, parseArgs } from './args.ts';

describe('parseArgs', () => {
  it('reads the profile, seed, report path and worker environment', () => {
    const args = parseArgs([
      '--profile',
      'full',
      '--seed=12',
      '--report',
      'x.json',
      '--env',
      'LOCK_DURATION_MS=5000',
    ]);
    expect(args.profile.name).toBe('full');
    expect(args).toMatchObject({
      seed: 12,
      report: 'x.json',
      workerEnv: { LOCK_DURATION_MS: '5000' },
      help: false,
    });
  });

  it('defaults to ci with a fresh seed', () => {
    const args = parseArgs([]);
    expect(args.profile.name).toBe('ci');
    expect(args.seed).toBeUndefined();
  });

  it('overrides the number of generations only', () => {
    const args = parseArgs(['--generations', '20']);
    expect(args.profile).toMatchObject({ name: 'ci', generations: 20, enqueueMs: 40_000 });
  });

  it('overrides the Redis link cut rate', () => {
    expect(parseArgs(['--redis-cut-rate', '0']).profile.redisCutRate).toBe(0);
    expect(() => parseArgs(['--redis-cut-rate', '2'])).toThrow('--redis-cut-rate must be within [0, 1]');
  });

  it('names what is wrong', () => {
    expect(() => parseArgs(['--profile', 'huge'])).toThrow(
      '--profile must be one of ci, medium, full, got huge',
    );
    expect(() => parseArgs(['--seed', '-1'])).toThrow('--seed must be an integer ≥ 0');
    expect(() => parseArgs(['--seed'])).toThrow('--seed needs a value');
    expect(() => parseArgs(['--env', 'lower=1'])).toThrow('--env needs NAME=value');
    expect(() => parseArgs(['--fast'])).toThrow('unknown argument: --fast');
  });
});

describe('defaultReportPath', () => {
  it('puts the profile and a file-safe UTC time in the name', () => {
    expect(defaultReportPath('ci', new Date('2026-11-24T04:30:00.123Z'))).toBe(
      'bench-results/chaos-ci-2026-11-24T04-30-00Z.json',
    );
  });
});
