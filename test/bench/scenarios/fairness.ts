/**
 * Scenario 7, fairness: tenant A enqueues a big batch, then tenant B a small one, under
 * MAX_IN_FLIGHT=20, with a Reelay worker, the simulator and real Redis. Measured from the
 * records: B's share of the submits while both had work (goal: within 5% of its weight share),
 * and B's time from enqueue to submit, against the same run with every generation in one tenant
 * (what FIFO gives). Then the gate's own cost: one grant with 10 and with 1,000 tenants waiting.
 */
import { DEFAULT_TENANT, type GenerationStatus, newGenerationId } from '@reelay/contracts';
import { closeQueues, createLifecycle, createQueues } from '@reelay/core';
import { createProducer, type Producer } from '@reelay/producer';
import type { Row, Scenario, ScenarioContext } from '../scenario.ts';
import { quantile, roundSummary, summarize } from '../stats.ts';
import { startServices } from '../support/services.ts';
import { reelayEnv, startReelayWorker } from '../support/workers.ts';

const MAX_IN_FLIGHT = 20;
const media = [{ type: 'first_frame' as const, url: 'https://example.com/cat.png' }];
const request = (i: number) => ({ input: { prompt: `fair ${i}`, media }, parameters: { duration: 5 } });
const submittedAt = (s: GenerationStatus) => s.timeline.find((t) => t.state === 'submitting')?.at;

type Mode = 'tenants' | 'fifo';
type Outcome = { share: number; p95SubmitMs: number; p50SubmitMs: number };

/** Polls B's records until every one was submitted; a run that stalls fails instead of hanging. */
async function waitSubmitted(
  producer: Producer,
  ids: readonly string[],
  timeoutMs = 10 * 60_000,
): Promise<GenerationStatus[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await Promise.all(ids.map((id) => producer.getStatus(id)));
    if (all.every((s) => s && submittedAt(s) !== undefined)) return all as GenerationStatus[];
    if (Date.now() > deadline) throw new Error(`B's generations not all submitted within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runOnce(mode: Mode, sizes: { a: number; b: number }, ctx: ScenarioContext): Promise<Outcome> {
  const s = await startServices({ taskDurationMs: 200 });
  const env = {
    MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
    POLL_INITIAL_DELAY_MS: '150',
    POLL_MAX_DELAY_MS: '150',
  };
  const sut = await startReelayWorker(reelayEnv(s, env), {
    name: `fairness-${mode}`,
    logDir: ctx.logDir,
    nodeArgs: ctx.nodeArgs,
  });
  const producer = createProducer({ redisUrl: s.redis.url, prefix: s.prefix, allowPrivateNetworks: true });
  const tenant = (t: string) => (mode === 'tenants' ? t : DEFAULT_TENANT);
  try {
    const a: string[] = [];
    for (let i = 0; i < sizes.a; i += 500) {
      const chunk = Array.from({ length: Math.min(500, sizes.a - i) }, (_, j) => ({
        request: request(i + j),
        options: { tenant: tenant('a') },
      }));
      a.push(...(await producer.enqueueMany(chunk)).map((r) => r.id));
    }
    const bEnqueuedAt = Date.now();
    const b = (
      await producer.enqueueMany(
        Array.from({ length: sizes.b }, (_, i) => ({
          request: request(i),
          options: { tenant: tenant('b') },
        })),
      )
    ).map((r) => r.id);
    const bDone = await waitSubmitted(producer, b);
    const bTimes = bDone.map((x) => submittedAt(x)!);
    const [bFirst, bLast] = [Math.min(...bTimes), Math.max(...bTimes)];
    // Submits while both had work: from B's first submit (A's generations granted before B
    // arrived are submitted first, in the submit queue's order) to B's last.
    const aAll = await Promise.all(a.map((id) => producer.getStatus(id)));
    const aIn = aAll.filter((x) => {
      const at = x && submittedAt(x);
      return at !== undefined && at >= bFirst && at <= bLast;
    }).length;
    const toSubmit = bDone.map((x) => submittedAt(x)! - bEnqueuedAt);
    return {
      share: b.length / (b.length + aIn),
      p95SubmitMs: quantile(toSubmit, 0.95),
      p50SubmitMs: quantile(toSubmit, 0.5),
    };
  } finally {
    await producer.close();
    await sut.stop();
    await s.close();
  }
}

/** µs per grant when `tenants` tenants each have queued work (the gate's decision cost). */
async function grantCost(tenants: number, grants: number): Promise<number> {
  const s = await startServices();
  const queues = createQueues(s.observer, s.prefix);
  const base = { prefix: s.prefix, recordRetentionS: 3_600, idempotencyTtlS: 3_600, generationDeadlineMs: 0 };
  try {
    // Enqueued by a producer while no worker has published MAX_IN_FLIGHT: all wait at the gate.
    const enqueue = createLifecycle(s.observer, queues, base);
    const perTenant = Math.ceil(grants / tenants) + 1;
    for (let t = 0; t < tenants; t++)
      await enqueue.enqueue(
        Array.from({ length: perTenant }, () => ({
          id: newGenerationId(),
          request: request(t),
          options: {},
          fingerprint: 'f',
          tenant: `t${t}`,
        })),
      );
    // No submit starts here, so the grant-ahead window must not be what stops the grants.
    const gate = createLifecycle(s.observer, queues, {
      ...base,
      maxInFlight: 1_000_000,
      grantAhead: 1_000_000,
    });
    const started = process.hrtime.bigint();
    // One grant per call, as a worker makes when one slot frees.
    let made = 0;
    while (made < grants) {
      const n = await gate.dispatch(1);
      if (n === 0) throw new Error('the gate granted nothing: fewer queued generations than grants asked');
      made += n;
    }
    return Number(process.hrtime.bigint() - started) / 1_000 / grants;
  } finally {
    await closeQueues(queues);
    await s.close();
  }
}

export const fairness: Scenario = {
  name: 'fairness',
  title: 'Fair share between tenants',
  async run(ctx) {
    const sizes = ctx.quick ? { a: 200, b: 10 } : { a: 2_000, b: 100 };
    const outcomes: Record<Mode, Outcome[]> = { tenants: [], fifo: [] };
    for (let i = 0; i < ctx.runs; i++)
      for (const mode of i % 2 === 0 ? (['tenants', 'fifo'] as const) : (['fifo', 'tenants'] as const)) {
        const o = await runOnce(mode, sizes, ctx);
        ctx.log(
          `fairness run ${i + 1} ${mode}: B share ${o.share.toFixed(3)}, B p95 to submit ${o.p95SubmitMs} ms`,
        );
        outcomes[mode].push(o);
      }
    const sum = (mode: Mode, pick: (o: Outcome) => number) =>
      roundSummary(summarize(outcomes[mode].map(pick)));
    const share = sum('tenants', (o) => o.share);
    const costs = {
      10: await grantCost(10, ctx.quick ? 100 : 1_000),
      1000: await grantCost(1_000, ctx.quick ? 100 : 1_000),
    };
    ctx.log(
      `fairness: one grant costs ${costs[10].toFixed(0)} µs with 10 tenants, ${costs[1000].toFixed(0)} µs with 1,000`,
    );
    const rows: Row[] = [
      {
        figure: "B's share of submits while both had work (equal weights: 0.5)",
        unit: 'share',
        reelay: share,
        target: 'within 5% of 0.5',
        met: Math.abs(share.median - 0.5) <= 0.025,
      },
      {
        figure: "B's time from enqueue to submit, p95",
        unit: 'ms',
        reelay: sum('tenants', (o) => o.p95SubmitMs),
        baseline: sum('fifo', (o) => o.p95SubmitMs),
      },
      {
        figure: "B's time from enqueue to submit, p50",
        unit: 'ms',
        reelay: sum('tenants', (o) => o.p50SubmitMs),
        baseline: sum('fifo', (o) => o.p50SubmitMs),
      },
      {
        figure: 'one grant (round trip included), 10 tenants waiting',
        unit: 'µs',
        reelay: Math.round(costs[10]),
      },
      {
        figure: 'one grant (round trip included), 1,000 tenants waiting',
        unit: 'µs',
        reelay: Math.round(costs[1000]),
        target: 'flat: ≤ 1.5 × the 10-tenant figure',
        met: costs[1000] <= 1.5 * costs[10],
      },
    ];
    return {
      name: 'fairness',
      title: this.title,
      rows,
      setup: `A enqueues ${sizes.a}, then B ${sizes.b}; MAX_IN_FLIGHT=${MAX_IN_FLIGHT}, 200 ms tasks, ${ctx.runs} run(s); baseline: the same with every generation in one tenant (FIFO)`,
      notes: [
        'Stride scheduling in one Lua script (grant.lua): the ready tenant with the lowest pass goes next; a ZSET makes the choice O(log tenants).',
        "Under FIFO (one tenant) B has no share while A has work: B's first submit comes after all of A's, so only the time to submit is compared.",
      ],
      details: { outcomes, grantCostUs: costs },
    };
  },
};
