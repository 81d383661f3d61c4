/**
 * The systems under test as child processes: Reelay's real `reelay worker` (the CLI, configured
 * only through its environment) and the baseline worker. Each serves its statistics on its own
 * loopback port, gets the orphan guard preloaded, and logs into the run's log directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@reelay/devstack';
import type { BaselineOptions } from '../baseline/pipeline.ts';
import { type BenchServices, BUCKET } from './services.ts';

const CLI = fileURLToPath(new URL('../../../apps/cli/src/main.ts', import.meta.url));
const BASELINE = fileURLToPath(new URL('../baseline/main.ts', import.meta.url));
const GUARD = new URL('./orphan-guard.ts', import.meta.url).href;
const STOP_GRACE_MS = 15_000;

export type LoopDelay = { p50Ms: number; p99Ms: number };

export type SutProcess = {
  name: string;
  pid: number;
  /** Base URL of its statistics server (Reelay: /metrics, /readyz; baseline: /stats, /readyz). */
  url: string;
  /** Event-loop delay since the previous call (both systems reset their histogram on read). */
  loopDelay(): Promise<LoopDelay>;
  /** Mean time of one job per stage (ms), since start. */
  stageMeanMs(): Promise<Record<string, number>>;
  /** SIGTERM, then SIGKILL after a grace; resolves with the exit code. */
  stop(): Promise<number | null>;
};

export type SpawnOptions = { name: string; logDir: string; nodeArgs?: string[] };

/** Reelay's environment against these services; `extra` overrides any of it. */
export function reelayEnv(s: BenchServices, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    REDIS_URL: s.redis.url,
    REELAY_QUEUE_PREFIX: s.prefix,
    VTRIX_BASE_URL: s.sim.url,
    VTRIX_API_KEY: s.apiKey,
    // The simulator serves its videos on loopback too.
    UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: s.s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: s.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.s3.secretAccessKey,
    AWS_REGION: s.s3.region,
    WEBHOOK_SIGNING_SECRET: s.secret,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_DEFAULT_URL: s.receiver.url,
    SUBMIT_RATE_PER_SEC: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...extra,
  };
}

export async function startReelayWorker(
  env: Record<string, string>,
  opts: SpawnOptions,
): Promise<SutProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = launch(CLI, ['worker'], { ...env, METRICS_PORT: String(port) }, opts);
  await waitReady(`${base}/readyz`, child, opts.name);
  const metrics = async () => (await fetch(`${base}/metrics`)).text();
  return {
    name: opts.name,
    pid: child.pid!,
    url: base,
    async loopDelay() {
      const text = await metrics();
      return {
        p50Ms: promValue(text, 'reelay_process_nodejs_eventloop_lag_p50_seconds') * 1000,
        p99Ms: promValue(text, 'reelay_process_nodejs_eventloop_lag_p99_seconds') * 1000,
      };
    },
    async stageMeanMs() {
      const text = await metrics();
      const out: Record<string, number> = {};
      for (const stage of ['submit', 'poll', 'sink', 'notify']) {
        const label = `{stage="${stage}"}`;
        const sum = promValue(text, `reelay_stage_duration_seconds_sum${label}`);
        const count = promValue(text, `reelay_stage_duration_seconds_count${label}`);
        if (count > 0) out[stage] = (sum / count) * 1000;
      }
      return out;
    },
    stop: () => end(child),
  };
}

export async function startBaselineWorker(options: BaselineOptions, opts: SpawnOptions): Promise<SutProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? '',
    BASELINE_OPTIONS: JSON.stringify(options),
    STATS_PORT: String(port),
  };
  const child = launch(BASELINE, [], env, opts);
  await waitReady(`${base}/readyz`, child, opts.name);
  return {
    name: opts.name,
    pid: child.pid!,
    url: base,
    async loopDelay() {
      const s = (await (await fetch(`${base}/stats`)).json()) as { loopP50Ms: number; loopP99Ms: number };
      return { p50Ms: s.loopP50Ms, p99Ms: s.loopP99Ms };
    },
    async stageMeanMs() {
      const s = (await (await fetch(`${base}/stats`)).json()) as {
        stages: Record<string, { count: number; totalMs: number }>;
      };
      return Object.fromEntries(Object.entries(s.stages).map(([k, v]) => [k, v.totalMs / v.count]));
    },
    stop: () => end(child),
  };
}

/** The baseline's options against these services. */
export function baselineOptions(s: BenchServices, extra: Partial<BaselineOptions> = {}): BaselineOptions {
  return {
    redisUrl: s.redis.url,
    prefix: s.prefix,
    vtrixUrl: s.sim.url,
    apiKey: s.apiKey,
    s3Endpoint: s.s3.endpoint,
    bucket: BUCKET,
    receiverUrl: s.receiver.url,
    pollDelayMs: 10,
    partSizeBytes: 8 * 1024 * 1024,
    // Reelay's defaults (SUBMIT/POLL/SINK/NOTIFY_CONCURRENCY), so both run as many jobs at once.
    concurrency: { submit: 4, poll: 50, sink: 4, notify: 20 },
    stages: ['submit', 'poll', 'sink', 'notify'],
    ...extra,
  };
}

/** One sample of a Prometheus text exposition (the first series of that name). */
export function promValue(text: string, name: string): number {
  const escaped = name.replace(/[{}"]/g, (c) => `\\${c}`);
  const labels = name.includes('{') ? '' : '(?:\\{[^}]*\\})?';
  const m = new RegExp(`^${escaped}${labels} ([0-9.eE+-]+|NaN)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function launch(
  script: string,
  args: string[],
  env: Record<string, string>,
  opts: SpawnOptions,
): ChildProcess {
  const log = openSync(`${opts.logDir}/${opts.name}.log`, 'a');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', GUARD, script, ...args], {
    env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`${opts.name} did not start`);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

async function waitReady(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before it was ready`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} was not ready within 60 s`);
}

async function end(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
  return child.exitCode;
}
