/** `node test/bench/run.ts [--quick] [--only a,b] [--runs N] [--profile] [--no-wait] [--render]`, parsed. Pure. */

export const SCENARIO_NAMES = [
  'throughput',
  'redis-cost',
  'scale',
  'sink',
  'polling',
  'handoff',
  'fairness',
  'batch-create',
  'load',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export type BenchArgs = {
  quick: boolean;
  only: ScenarioName[];
  runs: number;
  /** `--cpu-prof` for every Reelay worker the run spawns (profiles land in the log directory). */
  profile: boolean;
  /** Do not wait for the machine's load to drop before measuring. */
  noWait: boolean;
  /** Measure nothing: rewrite docs/BENCHMARKS.md from the JSON in bench-results/. */
  render: boolean;
  /** Modules (relative to test/bench/) preloaded into every Reelay worker: what-if runs of proposed fixes. */
  preload: string[];
};

export const USAGE = `usage: node test/bench/run.ts [--quick] [--only ${SCENARIO_NAMES.join(',')}] [--runs N] [--profile] [--no-wait] [--render] [--preload what-if/a.ts,…]`;

export function parseArgs(
  argv: readonly string[],
): { ok: true; args: BenchArgs } | { ok: false; error: string } {
  const args: BenchArgs = {
    quick: false,
    only: [...SCENARIO_NAMES],
    runs: 0,
    profile: false,
    noWait: false,
    render: false,
    preload: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--profile':
        args.profile = true;
        break;
      case '--no-wait':
        args.noWait = true;
        break;
      case '--render':
        args.render = true;
        break;
      case '--preload': {
        const files = (value() ?? '').split(',').filter(Boolean);
        if (!files.length) return { ok: false, error: '--preload: name at least one module' };
        args.preload = files;
        break;
      }
      case '--runs': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 50)
          return { ok: false, error: '--runs must be an integer from 1 to 50' };
        args.runs = n;
        break;
      }
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean);
        const unknown = names.filter((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
        if (!names.length || unknown.length)
          return {
            ok: false,
            error: `--only: unknown scenario ${unknown.join(', ') || '(none given)'}; known: ${SCENARIO_NAMES.join(', ')}`,
          };
        args.only = names as ScenarioName[];
        break;
      }
      default:
        return { ok: false, error: `unknown argument ${a}` };
    }
  }
  // Quick is a smoke test: one run. Full: three runs unless told otherwise.
  if (!args.runs) args.runs = args.quick ? 1 : 3;
  return { ok: true, args };
}
