/**
 * `pnpm bench` (= `node test/bench/run.ts`): runs each scenario with its baseline, writes
 * bench-results/<scenario>.json and rewrites that scenario's table in docs/BENCHMARKS.md as soon
 * as it is done. `--render` rewrites the tables from bench-results/ without measuring.
 * `--quick` is CI's smoke test: tiny sizes, one run, results to bench-results/quick/ and no doc
 * change; it fails (exit 1) only when a scenario does not complete. Timing never fails a run.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ScenarioName, USAGE } from './args.ts';
import { load1, machineInfo, revision, waitForQuiet } from './machine.ts';
import { formatFigure, type RunMeta, renderSection, updateDoc } from './report.ts';
import type { Scenario, ScenarioResult } from './scenario.ts';
import { batchCreate } from './scenarios/batch-create.ts';
import { fairness } from './scenarios/fairness.ts';
import { handoff } from './scenarios/handoff.ts';
import { load } from './scenarios/load.ts';
import { polling } from './scenarios/polling.ts';
import { redisCost } from './scenarios/redis-cost.ts';
import { scale } from './scenarios/scale.ts';
import { sink } from './scenarios/sink.ts';
import { throughput } from './scenarios/throughput.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIOS: Record<ScenarioName, Scenario> = {
  throughput,
  'redis-cost': redisCost,
  scale,
  sink,
  polling,
  handoff,
  fairness,
  'batch-create': batchCreate,
  load,
};
const QUIET_LOAD = 1.5;
const MAX_WAIT_MS = 15 * 60_000;

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`${parsed.error}\n${USAGE}\n`);
  process.exit(2);
}
const args = parsed.args;
const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const DOC = join(ROOT, 'docs', 'BENCHMARKS.md');

if (args.render) {
  // Rewrites the doc's tables from the last full results, e.g. after editing how they are shown.
  const sections = await Promise.all(
    args.only.map(async (name) => {
      const saved = JSON.parse(await readFile(join(ROOT, 'bench-results', `${name}.json`), 'utf8'));
      return { name, body: renderSection(saved as ScenarioResult, saved as RunMeta) };
    }),
  );
  await updateDoc(DOC, sections);
  log(`docs/BENCHMARKS.md rewritten from bench-results/ (${args.only.join(', ')})`);
  process.exit(0);
}

const command = `node test/bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
const logDir = await mkdtemp(join(tmpdir(), 'reelay-bench-'));
const nodeArgs = [
  ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(logDir, 'profiles')}`] : []),
  ...args.preload.flatMap((f) => ['--import', new URL(f, import.meta.url).href]),
];
// Quick and what-if runs keep their results apart and leave the doc alone.
const whatIf = args.preload.length > 0;
const recordsDoc = !args.quick && !whatIf;
const machine = machineInfo();
const outDir = join(ROOT, 'bench-results', args.quick ? 'quick' : whatIf ? 'what-if' : '');
await mkdir(outDir, { recursive: true });
log(
  `${args.quick ? 'quick' : 'full'} run of ${args.only.join(', ')}; ${args.runs} run(s) each; logs in ${logDir}`,
);

const failures: string[] = [];
for (const name of args.only) {
  if (!args.quick && !args.noWait && name !== 'polling') {
    const quiet = await waitForQuiet(QUIET_LOAD, MAX_WAIT_MS, log);
    if (quiet.gaveUp)
      log(`load average still ${quiet.load} after ${MAX_WAIT_MS / 60_000} min: measuring anyway`);
  }
  const start = { load: load1(), t: performance.now(), revision: revision(ROOT) };
  log(`${name}: start (load ${start.load})`);
  let result: ScenarioResult;
  try {
    result = await SCENARIOS[name].run({ quick: args.quick, runs: args.runs, logDir, nodeArgs, log });
  } catch (e) {
    failures.push(name);
    log(`${name}: FAILED: ${(e as Error).stack ?? String(e)}`);
    continue;
  }
  const meta: RunMeta = {
    command,
    revision: start.revision,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine,
    load: { start: start.load, end: load1() },
    seconds: (performance.now() - start.t) / 1000,
  };
  const file = whatIf ? `${name}+${args.preload.map((f) => f.replace(/^.*\/|\.ts$/g, '')).join('+')}` : name;
  await writeFile(join(outDir, `${file}.json`), `${JSON.stringify({ ...meta, ...result }, null, 1)}\n`);
  // After each scenario, so a run cut short still leaves what it measured.
  if (recordsDoc) await updateDoc(DOC, [{ name, body: renderSection(result, meta) }]);
  for (const row of result.rows) {
    const met = row.met === undefined ? '' : row.met ? '  [met]' : '  [MISSED]';
    log(
      `${name}: ${row.figure}: Reelay ${formatFigure(row.reelay)}${row.baseline !== undefined ? `, baseline ${formatFigure(row.baseline)}` : ''}${row.ratio !== undefined ? `, ratio ${formatFigure(row.ratio)}` : ''} ${row.unit}${met}`,
    );
  }
}
log(failures.length ? `did not complete: ${failures.join(', ')}` : 'every scenario completed');
process.exit(failures.length ? 1 : 0);
