import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.ts';
import { checkInvariants } from './invariants.ts';
import { PROFILES } from './profiles.ts';
import { buildReport, type RunFacts, summaryLine } from './report.ts';
import { cleanRun } from './synthetic.ts';

const facts: RunFacts = {
  profile: PROFILES.ci!,
  seed: 42,
  command: 'node test/chaos/run.ts --profile ci --seed 42',
  startedAt: '2026-11-24T04:30:00.000Z',
  wallMs: 120_000,
  settleMs: 100_000,
  drainTimedOut: false,
  simulator: {},
  workerEnvOverrides: {},
  receiverFailRate: 0.3,
  kills: [{ at: 3_000, worker: 'w1', how: 'sigkill', inWindow: [] }],
  redisRestarts: [{ at: 20_000, downMs: 90 }],
  s3Outages: [{ at: 30_000, ms: 10_000 }],
  redisLinkCuts: { w1: 2 },
  enqueue: { calls: 5, failedCalls: 0, givenUp: 0, refusedByBudget: 0 },
  workers: { spawned: 4, logDir: '/tmp/x', unexpectedExits: [], shutdown: { clean: 3, forced: 0 } },
  uncertainCreatesLogged: 0,
  diagnostics: { failedJobs: {}, lost: [], logMessages: {} },
  timeline: [],
  tenants: {
    samples: { betaMaxInFlight: 3, gammaMaxCommittedUsd: 1.5, gammaLimitUsd: 2, samples: 10 },
    tallies: [],
  },
};

describe('report', () => {
  it('is ok when every invariant holds, and says so in one line', () => {
    const analysis = analyze(cleanRun());
    const report = buildReport(facts, analysis, checkInvariants(analysis));
    expect(report.ok).toBe(true);
    const line = summaryLine(report);
    expect(line).not.toContain('\n');
    expect(line).toContain('chaos ci seed=42:');
    expect(line).toContain('accepted 4 (succeeded 3, failed 1, canceled 0), lost 0');
    expect(line).toContain('duplicates 0 (kills inside submit window 0, windows hit 0)');
    expect(line).toContain('s3 3/3 one good object, sha256 mismatches 0');
    expect(line).toContain('signature failures 0');
    expect(line).toContain('kills 0 {}, redis restarts 1, redis link cuts 2, s3 outage 10.0s');
    expect(line).toMatch(/— PASS$/);
  });

  it('names the failing invariants', () => {
    const o = cleanRun();
    o.generations[0]!.state = 'running';
    const analysis = analyze(o);
    const report = buildReport(facts, analysis, checkInvariants(analysis));
    expect(report.ok).toBe(false);
    expect(summaryLine(report)).toMatch(
      /lost 1 .*— FAIL: nothing accepted is lost; every succeeded generation/,
    );
  });

  it('keeps the facts, the analysis and the invariants in the JSON', () => {
    const analysis = analyze(cleanRun());
    const report = JSON.parse(JSON.stringify(buildReport(facts, analysis, checkInvariants(analysis))));
    expect(report).toMatchObject({ seed: 42, command: facts.command, analysis: { accepted: 4 } });
    expect(report.invariants).toHaveLength(7);
  });
});
