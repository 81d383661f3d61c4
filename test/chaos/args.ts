/** Command line of the chaos runner (see USAGE). */
import { PROFILES, type Profile } from './profiles.ts';

export type ChaosArgs = {
  profile: Profile;
  seed?: number;
  report?: string;
  /** Extra environment for every worker process, e.g. LOCK_DURATION_MS=5000. */
  workerEnv: Record<string, string>;
  help: boolean;
};

export const USAGE = `usage: node test/chaos/run.ts --profile ${Object.keys(PROFILES).join('|')} [--seed N] [--report path]
       [--generations N] [--redis-cut-rate P] [--env K=V]…

  --profile      how big and how long (ci: 200 generations, under 2 minutes)
  --seed         reproduce a run's kill schedule, outages, enqueue plan and simulator faults
  --report       where the JSON report goes (default bench-results/chaos-<profile>-<time>.json)
  --generations  override the profile's number of generations (same enqueue window)
  --redis-cut-rate  override the chance per Redis reply that a worker's link drops it (0 = off)
  --env          an extra variable for every worker process (repeatable), e.g. --env LOCK_DURATION_MS=5000`;

/** Parses argv (without node and the script); throws an Error whose message says what is wrong. */
export function parseArgs(argv: readonly string[]): ChaosArgs {
  const values = new Map<string, string>();
  const workerEnv: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const [name, inline] = eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
    if (!['--profile', '--seed', '--report', '--generations', '--redis-cut-rate', '--env'].includes(name))
      throw new Error(`unknown argument: ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`${name} needs a value`);
    if (name === '--env') {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(value);
      if (!match) throw new Error(`--env needs NAME=value, got ${value}`);
      workerEnv[match[1]!] = match[2]!;
    } else values.set(name, value);
  }
  const profileName = values.get('--profile') ?? 'ci';
  const base = PROFILES[profileName];
  if (!base)
    throw new Error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}, got ${profileName}`);
  const seed = optionalInt(values.get('--seed'), '--seed', 0);
  const generations = optionalInt(values.get('--generations'), '--generations', 1);
  const cutRate = values.get('--redis-cut-rate');
  const redisCutRate = cutRate === undefined ? base.redisCutRate : Number(cutRate);
  if (!(redisCutRate >= 0 && redisCutRate <= 1))
    throw new Error(`--redis-cut-rate must be within [0, 1], got ${cutRate}`);
  const profile = { ...base, redisCutRate, ...(generations === undefined ? {} : { generations }) };
  const report = values.get('--report');
  return {
    profile,
    help,
    workerEnv,
    ...(seed === undefined ? {} : { seed }),
    ...(report === undefined ? {} : { report }),
  };
}

function optionalInt(raw: string | undefined, name: string, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return n;
}

/** `bench-results/chaos-ci-2026-11-24T04-30-00Z.json` for a run started at `at`. */
export function defaultReportPath(profile: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
  return `bench-results/chaos-${profile}-${stamp}.json`;
}
