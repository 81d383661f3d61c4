/**
 * Scenario 2, Redis cost. Commands per generation: whole-pipeline runs counted with INFO
 * commandstats (which counts what Lua scripts run too), plus one small MONITOR run that splits
 * client round trips from in-script commands. Memory per in-flight generation: K generations
 * parked in `running` (tasks that never finish, polls an hour apart), used_memory before and
 * after, and where the bytes sit by kind of key.
 */
import type { Row, Scenario, ScenarioContext } from '../scenario.ts';
import { round, roundSummary, summarize } from '../stats.ts';
import { memoryByGroup } from '../support/key-groups.ts';
import { enqueuer, type PipelineRun, runPipeline, SYSTEMS, type System } from '../support/pipeline-run.ts';
import { topCommands, usedMemory, waitForQuiet } from '../support/redis-stats.ts';
import { type BenchServices, startServices } from '../support/services.ts';
import { baselineOptions, reelayEnv, startBaselineWorker, startReelayWorker } from '../support/workers.ts';
import { compareRow, pairedPipelineRuns } from './paired-runs.ts';

const HOUR_MS = 3_600_000;
const LISTPACK_WHAT_IF = 512;

type Parked = {
  system: System;
  k: number;
  bytesPerGen: number;
  groups: Record<string, { keys: number; bytes: number }>;
};

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Parks `k` generations in flight and measures what Redis holds for them. */
async function parkInFlight(
  system: System,
  k: number,
  ctx: ScenarioContext,
  listpackValue?: number,
): Promise<Parked> {
  const s: BenchServices = await startServices({ stuckRate: 1 });
  // What-if: hashes with values up to this many bytes stay listpack-encoded (Redis default 64).
  if (listpackValue) await s.observer.config('SET', 'hash-max-listpack-value', String(listpackValue));
  const enq = enqueuer(system, s);
  const name = `${system}-parked`;
  const sut =
    system === 'reelay'
      ? await startReelayWorker(
          reelayEnv(s, {
            POLL_INITIAL_DELAY_MS: String(HOUR_MS),
            POLL_MAX_DELAY_MS: String(HOUR_MS),
            POLL_DEADLINE_MS: String(2 * HOUR_MS),
            SUBMIT_CONCURRENCY: '20',
          }),
          { name, logDir: ctx.logDir },
        )
      : await startBaselineWorker(
          baselineOptions(s, {
            pollDelayMs: HOUR_MS,
            concurrency: { submit: 20, poll: 50, sink: 4, notify: 20 },
          }),
          { name, logDir: ctx.logDir },
        );
  try {
    await waitForQuiet(s.observer);
    const before = await usedMemory(s.observer);
    for (let i = 0; i < k; i += 200) await enq.add(i, Math.min(200, k - i));
    const delayedKey = `${s.prefix}:poll:delayed`;
    await waitUntil(
      async () => (await s.observer.zcard(delayedKey)) >= k,
      60_000 + k * 20,
      `${k} parked polls`,
    );
    // The last submits finish their bookkeeping: no submit job waiting or running.
    await waitUntil(
      async () =>
        (await s.observer.llen(`${s.prefix}:submit:wait`)) +
          (await s.observer.llen(`${s.prefix}:submit:active`)) ===
        0,
      30_000,
      'the submit queue to drain',
    );
    const after = await usedMemory(s.observer);
    const groups = await memoryByGroup(s.observer, s.prefix);
    ctx.log(
      `redis-cost: ${system} holds ${((after - before) / k).toFixed(0)} B per in-flight generation (${k})`,
    );
    return { system, k, bytesPerGen: (after - before) / k, groups };
  } finally {
    await sut.stop();
    await enq.close().catch(() => {});
    await s.close();
  }
}

export const redisCost: Scenario = {
  name: 'redis-cost',
  title: 'Redis cost',
  async run(ctx) {
    const n = ctx.quick ? 30 : 1_000;
    const k = ctx.quick ? 200 : 10_000;
    // Quick: one small MONITOR run per system serves both figures (MONITOR does not change the counts).
    const runs = await pairedPipelineRuns(ctx, n, 'redis-cost', ctx.quick);
    const monitorN = ctx.quick ? n : 200;
    const split = {} as Record<System, NonNullable<PipelineRun['split']>>;
    for (const sys of SYSTEMS) {
      const r = ctx.quick
        ? runs[sys][0]!
        : await runPipeline(sys, { n: monitorN, logDir: ctx.logDir, monitor: true });
      if (!r.split) throw new Error(`no MONITOR counts for ${sys}`);
      split[sys] = r.split;
    }
    const parked: Record<System, Parked[]> = { reelay: [], baseline: [] };
    const memRuns = ctx.quick ? 1 : Math.min(ctx.runs, 2);
    for (let i = 0; i < memRuns; i++)
      for (const sys of SYSTEMS) parked[sys].push(await parkInFlight(sys, k, ctx));
    const listpack = await parkInFlight('reelay', k, ctx, LISTPACK_WHAT_IF);

    const perGen = (sys: System) => parked[sys].map((p) => p.bytesPerGen);
    const reelayMem = summarize(perGen('reelay'));
    const baseMem = summarize(perGen('baseline'));
    const clientRow: Row = {
      figure: `client round trips per generation (MONITOR, ${monitorN} generations)`,
      unit: 'commands',
      reelay: round(split.reelay.clientPerGen),
      baseline: round(split.baseline.clientPerGen),
      ratio: round(split.reelay.clientPerGen / split.baseline.clientPerGen),
    };
    return {
      name: 'redis-cost',
      title: 'Redis cost',
      setup: `commands: ${n.toLocaleString('en')} generations per run through the whole pipeline, ${ctx.runs} run(s) per system, INFO commandstats (includes commands run inside Lua scripts); memory: ${k.toLocaleString('en')} generations parked in flight, ${memRuns} run(s)`,
      rows: [
        compareRow(
          runs,
          'Redis commands per generation (commandstats)',
          'commands',
          (r) => r.commandsPerGen,
          {
            text: '≤ 1.5 × baseline',
            ok: (x) => x <= 1.5,
          },
        ),
        clientRow,
        {
          figure: 'Redis memory per in-flight generation',
          unit: 'bytes',
          reelay: roundSummary(reelayMem),
          baseline: roundSummary(baseMem),
          ratio: round(reelayMem.median / baseMem.median),
          target: '≤ 2 KB (2,048 B)',
          met: reelayMem.median <= 2_048,
        },
        {
          figure: `same, Reelay on a Redis with hash-max-listpack-value ${LISTPACK_WHAT_IF} (what-if)`,
          unit: 'bytes',
          reelay: round(listpack.bytesPerGen),
          baseline: roundSummary(baseMem),
          ratio: round(listpack.bytesPerGen / baseMem.median),
          target: '≤ 2 KB (2,048 B)',
          met: listpack.bytesPerGen <= 2_048,
        },
      ],
      notes: [
        `where the bytes of one parked generation sit (MEMORY USAGE per kind of key ÷ ${k.toLocaleString('en')}), Reelay: ${fmtGroups(parked.reelay[0]!, k)}; baseline: ${fmtGroups(parked.baseline[0]!, k)}`,
        `top commands per generation, Reelay: ${fmtTop(runs.reelay[0]!.commands, n)}`,
        `top commands per generation, baseline: ${fmtTop(runs.baseline[0]!.commands, n)}`,
        `client commands per generation, Reelay: ${fmtTop(split.reelay.client, monitorN)}; baseline: ${fmtTop(split.baseline.client, monitorN)}`,
      ],
      details: {
        commandRuns: runs,
        monitor: split,
        parked,
        listpackWhatIf: listpack,
      },
    };
  },
};

function fmtGroups(p: Parked, k: number): string {
  return Object.entries(p.groups)
    .slice(0, 6)
    .map(([g, u]) => `${g} ${Math.round(u.bytes / k)}`)
    .join(', ');
}

function fmtTop(stats: Record<string, number>, n: number): string {
  return topCommands(stats, 8)
    .map(([c, v]) => `${c} ${round(v / n, 2)}`)
    .join(', ');
}
