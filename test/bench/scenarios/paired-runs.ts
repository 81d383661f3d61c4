/** Whole-pipeline runs of both systems back to back, and table rows comparing them run by run. */
import type { Row, ScenarioContext } from '../scenario.ts';
import { pairedRatios, roundSummary, summarize } from '../stats.ts';
import { type PipelineRun, runPipeline, type System } from '../support/pipeline-run.ts';

/** `ctx.runs` runs per system, alternating which goes first so drift hits both alike. */
export async function pairedPipelineRuns(ctx: ScenarioContext, n: number, label: string, monitor = false) {
  const runs: Record<System, PipelineRun[]> = { reelay: [], baseline: [] };
  for (let i = 0; i < ctx.runs; i++) {
    const order: System[] = i % 2 === 0 ? ['baseline', 'reelay'] : ['reelay', 'baseline'];
    for (const system of order) {
      const r = await runPipeline(system, {
        n,
        logDir: ctx.logDir,
        monitor,
        ...(system === 'reelay' && ctx.nodeArgs.length ? { nodeArgs: ctx.nodeArgs } : {}),
      });
      ctx.log(
        `${label} run ${i + 1}/${ctx.runs} ${system}: ${r.generationsPerSec.toFixed(1)} generations/s, ${r.commandsPerGen.toFixed(0)} commands/generation`,
      );
      runs[system].push(r);
    }
  }
  return runs;
}

/** A row comparing one per-run figure of both systems (ratio paired per run). */
export function compareRow(
  runs: Record<System, PipelineRun[]>,
  figure: string,
  unit: string,
  pick: (r: PipelineRun) => number,
  target?: { text: string; ok: (ratio: number) => boolean },
): Row {
  const reelay = runs.reelay.map(pick);
  const baseline = runs.baseline.map(pick);
  const ratio = pairedRatios(reelay, baseline);
  return {
    figure,
    unit,
    reelay: roundSummary(summarize(reelay)),
    baseline: roundSummary(summarize(baseline)),
    ratio: roundSummary(ratio),
    ...(target ? { target: target.text, met: target.ok(ratio.median) } : {}),
  };
}
