/**
 * Scenario 1, throughput: N generations through the whole pipeline (tasks done at once, 10 ms
 * polls, the simulator's ~13 KB video, s3rver, the counting receiver), Reelay's worker against
 * the baseline pipeline at the same per-stage concurrency. Runs alternate which system goes first.
 */
import type { Scenario } from '../scenario.ts';
import { compareRow, pairedPipelineRuns } from './paired-runs.ts';

export const throughput: Scenario = {
  name: 'throughput',
  title: 'Throughput',
  async run(ctx) {
    const n = ctx.quick ? 50 : 5_000;
    const runs = await pairedPipelineRuns(ctx, n, 'throughput');
    return {
      name: 'throughput',
      title: 'Throughput',
      setup: `${n.toLocaleString('en')} generations per run, ${ctx.runs} run(s) per system; task done on the first poll (10 ms), ~13 KB video; concurrency submit 4, poll 50, sink 4, notify 20 in both; SUBMIT_RATE_PER_SEC=0`,
      rows: [
        compareRow(runs, 'generations per second', 'gen/s', (r) => r.generationsPerSec, {
          text: '≥ 0.8 × baseline',
          ok: (x) => x >= 0.8,
        }),
        compareRow(runs, 'worker CPU per generation', 'ms', (r) => r.workerCpuMsPerGen),
        compareRow(runs, 'redis-server CPU per generation', 'ms', (r) => r.redisCpuMsPerGen),
        compareRow(runs, 'worker RSS at the end', 'MB', (r) => r.workerRssBytes / 1e6),
        ...(['submit', 'poll', 'sink', 'notify'] as const).map((stage) =>
          compareRow(runs, `mean ${stage} job`, 'ms', (r) => r.stageMeanMs[stage] ?? Number.NaN),
        ),
      ],
      notes: [
        'With a fixed number of jobs per stage, a stage tops out at concurrency ÷ mean job time: sink at 4 jobs is the ceiling for both systems here.',
      ],
      details: { runs },
    };
  },
};
