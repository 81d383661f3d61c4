/**
 * Scenario 6, hand-off latency at low load: one generation at a time, 5 MB video. Measured from
 * outside: from the moment the poll tap finished sending the first `completed` reply for the task
 * to the moment the receiver got the webhook. Reelay's record timeline splits it into detect →
 * copying (the CAS), copying → succeeded (the copy) and succeeded → webhook (notify).
 */
import { createProducer } from '@reelay/producer';
import type { Row, Scenario, ScenarioContext } from '../scenario.ts';
import { quantile, roundSummary, summarize } from '../stats.ts';
import { enqueuer, SYSTEMS, type System } from '../support/pipeline-run.ts';
import { startPollTap } from '../support/poll-tap.ts';
import { startServices } from '../support/services.ts';
import { baselineOptions, reelayEnv, startBaselineWorker, startReelayWorker } from '../support/workers.ts';

const VIDEO_BYTES = 5_000_000;

type Sample = { handoffMs: number; detectMs?: number; copyMs?: number; notifyMs?: number };

async function runHandoff(system: System, n: number, ctx: ScenarioContext): Promise<Sample[]> {
  const s = await startServices({ taskDurationMs: 100, videoBytes: VIDEO_BYTES });
  const tap = await startPollTap(s.sim.url);
  const name = `${system}-handoff`;
  const sut =
    system === 'reelay'
      ? await startReelayWorker(
          reelayEnv(s, { VTRIX_BASE_URL: tap.url, POLL_INITIAL_DELAY_MS: '25', POLL_MAX_DELAY_MS: '25' }),
          { name, logDir: ctx.logDir, nodeArgs: ctx.nodeArgs },
        )
      : await startBaselineWorker(baselineOptions(s, { vtrixUrl: tap.url, pollDelayMs: 25 }), {
          name,
          logDir: ctx.logDir,
        });
  const enq = enqueuer(system, s);
  const producer =
    system === 'reelay'
      ? createProducer({ redisUrl: s.redis.url, prefix: s.prefix, allowPrivateNetworks: true })
      : undefined;
  try {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(...(await enq.add(i, 1)));
      await s.receiver.waitForCount(i + 1, 30_000);
      await new Promise((r) => setTimeout(r, 50)); // idle between generations: low load
    }
    const samples: Sample[] = [];
    for (const a of s.receiver.arrivals()) {
      const polledAt = a.taskId ? tap.completedAt.get(a.taskId) : undefined;
      if (polledAt === undefined) throw new Error(`no completing poll seen for ${a.id}`);
      const sample: Sample = { handoffMs: a.at - polledAt };
      const status = await producer?.getStatus(a.id);
      if (status) {
        const at = (state: string) => status.timeline.find((t) => t.state === state)?.at ?? Number.NaN;
        sample.detectMs = at('copying') - polledAt;
        sample.copyMs = at('succeeded') - at('copying');
        sample.notifyMs = a.at - at('succeeded');
      }
      samples.push(sample);
    }
    return samples;
  } finally {
    await sut.stop();
    await producer?.close();
    await enq.close().catch(() => {});
    await tap.close();
    await s.close();
  }
}

export const handoff: Scenario = {
  name: 'handoff',
  title: 'Hand-off latency',
  async run(ctx) {
    const n = ctx.quick ? 10 : 200;
    const runs: Record<System, Sample[][]> = { reelay: [], baseline: [] };
    for (let i = 0; i < ctx.runs; i++)
      for (const sys of i % 2 === 0 ? SYSTEMS : [...SYSTEMS].reverse()) {
        const samples = await runHandoff(sys, n, ctx);
        const ms = samples.map((x) => x.handoffMs);
        const p = (q: number) => quantile(ms, q).toFixed(1);
        ctx.log(`handoff run ${i + 1} ${sys}: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
        runs[sys].push(samples);
      }
    const perRun = (sys: System, q: number, pick: (x: Sample) => number | undefined = (x) => x.handoffMs) =>
      roundSummary(
        summarize(
          runs[sys].map((r) =>
            quantile(
              r.map(pick).filter((v): v is number => v !== undefined),
              q,
            ),
          ),
        ),
      );
    const p99 = perRun('reelay', 0.99);
    const rows: Row[] = [
      {
        figure: 'hand-off p50 (completing poll → webhook received)',
        unit: 'ms',
        reelay: perRun('reelay', 0.5),
        baseline: perRun('baseline', 0.5),
      },
      {
        figure: 'hand-off p99',
        unit: 'ms',
        reelay: p99,
        baseline: perRun('baseline', 0.99),
        target: '≤ 250 ms',
        met: p99.median <= 250,
      },
      ...(
        [
          ['poll reply → copying recorded', (x: Sample) => x.detectMs],
          ['copying → succeeded (the 5 MB copy)', (x: Sample) => x.copyMs],
          ['succeeded → webhook received', (x: Sample) => x.notifyMs],
        ] as const
      ).flatMap(([what, pick]) =>
        [0.5, 0.99].map(
          (q): Row => ({
            figure: `of which ${what}, p${q * 100}`,
            unit: 'ms',
            reelay: perRun('reelay', q, pick),
          }),
        ),
      ),
    ];
    return {
      name: 'handoff',
      title: 'Hand-off latency',
      setup: `${n} generations per run one at a time (50 ms apart), ${ctx.runs} run(s) per system; 5 MB video; tasks done after 100 ms, polled every 25 ms; figures are per-run percentiles, summarized over runs`,
      rows,
      notes: [],
      details: {
        runs: Object.fromEntries(
          SYSTEMS.map((sys) => [
            sys,
            runs[sys].map((r) => ({
              p50: quantile(
                r.map((x) => x.handoffMs),
                0.5,
              ),
              p99: quantile(
                r.map((x) => x.handoffMs),
                0.99,
              ),
              max: Math.max(...r.map((x) => x.handoffMs)),
            })),
          ]),
        ),
      },
    };
  },
};
