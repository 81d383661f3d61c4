/** The JSON report of a run and its one-line summary (pure). */
import type { Analysis } from './analyze.ts';
import type { BatchView } from './batches.ts';
import type { InvariantResult } from './invariants.ts';
import type { KillView } from './observations.ts';
import type { Profile } from './profiles.ts';
import type { TenantSamples, TenantTally } from './tenants.ts';

export type RunFacts = {
  profile: Profile;
  seed: number;
  command: string;
  startedAt: string;
  wallMs: number;
  /** Ms from the first enqueue until everything was terminal and delivered (or the drain gave up). */
  settleMs: number;
  drainTimedOut: boolean;
  simulator: Record<string, unknown>;
  workerEnvOverrides: Record<string, string>;
  receiverFailRate: number;
  kills: KillView[];
  redisRestarts: Array<{ at: number; downMs: number }>;
  s3Outages: Array<{ at: number; ms: number }>;
  /** Replies dropped (connection reset) between a worker and Redis, per worker. */
  redisLinkCuts: Record<string, number>;
  enqueue: {
    calls: number;
    failedCalls: number;
    givenUp: number;
    refusedByBudget: number;
    /** Batches the plan canceled, each with what cancelBatch answered (`<id> <state>`). */
    batchCancels?: string[];
  };
  workers: {
    spawned: number;
    logDir: string;
    unexpectedExits: Array<{ worker: string; code: number | null; signal: string | null; at: number }>;
    shutdown: { clean: number; forced: number };
  };
  /** Re-run submits that logged "creating again may bill a second upstream task". */
  uncertainCreatesLogged: number;
  diagnostics: {
    failedJobs: Record<string, Record<string, number>>;
    lost: unknown[];
    logMessages: Record<string, number>;
  };
  /** Counts by state, sampled during the run. */
  timeline: Array<{ t: number; counts: Record<string, number> }>;
  tenants: { samples: TenantSamples; tallies: TenantTally[] };
  /** Every batch as read back at the end (batches.ts). */
  batches?: BatchView[];
};

export type ChaosReport = RunFacts & { ok: boolean; analysis: Analysis; invariants: InvariantResult[] };

export function buildReport(facts: RunFacts, analysis: Analysis, invariants: InvariantResult[]): ChaosReport {
  return { ok: invariants.every((i) => i.ok), ...facts, analysis, invariants };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function summaryLine(r: ChaosReport): string {
  const a = r.analysis;
  const t = a.terminal;
  const failing = r.invariants.filter((i) => !i.ok).map((i) => i.name);
  return [
    `chaos ${r.profile.name} seed=${r.seed}:`,
    `accepted ${a.accepted} (succeeded ${t.succeeded}, failed ${t.failed}, canceled ${t.canceled}), lost ${a.lost.length}`,
    `| creates ${a.creates.total}, duplicates ${a.creates.duplicates} (kills inside submit window ${a.kills.insideSubmitWindow}, windows hit ${a.kills.windowsHit})`,
    `| s3 ${a.s3.withOneGoodObject}/${a.s3.succeeded} one good object, sha256 mismatches ${a.s3.sha256Mismatches.length}`,
    `| webhooks ${a.webhooks.undelivered.length} undelivered, ids/event ${JSON.stringify(a.webhooks.webhookIdsPerEvent)},` +
      ` terminal events/gen ${JSON.stringify(a.webhooks.terminalEventsPerGeneration)}, signature failures ${a.webhooks.signatureFailures}`,
    `| kills ${a.kills.total} ${JSON.stringify(a.kills.byHow)}, redis restarts ${r.redisRestarts.length},` +
      ` redis link cuts ${Object.values(r.redisLinkCuts).reduce((n, c) => n + c, 0)}, s3 outage ${s(r.s3Outages.reduce((n, o) => n + o.ms, 0))}`,
    `| tenants: beta in flight max ${r.tenants.samples.betaMaxInFlight}, gamma committed max ${r.tenants.samples.gammaMaxCommittedUsd.toFixed(2)}/${r.tenants.samples.gammaLimitUsd.toFixed(2)} USD, refused by budget ${r.enqueue.refusedByBudget}`,
    `| batches ${r.batches?.length ?? 0} (${(r.batches ?? []).filter((b) => b.state !== 'in_progress').length} finished, ${(r.batches ?? []).filter((b) => b.state === 'canceled').length} canceled, ${(r.batches ?? []).reduce((n, b) => n + b.members.length, 0)} members)`,
    `| settled ${s(r.settleMs)}, wall ${s(r.wallMs)}`,
    `— ${r.ok ? 'PASS' : `FAIL: ${failing.join('; ')}`}`,
  ].join(' ');
}
