/**
 * One whole-pipeline run of one system: fresh services, the system's worker process, N generations
 * enqueued in batches, timed until the receiver has a delivery for every one. Reads the Redis
 * command counts of exactly that span (CONFIG RESETSTAT at the start) and the CPU time the worker
 * and redis-server spent on it.
 */
import { createProducer } from '@reelay/producer';
import type { SimulatorOptions } from 'simulator';
import { baselineQueue } from '../baseline/pipeline.ts';
import { readProcCpuMs, readProcMemory } from './proc-stats.ts';
import { readCommandStats, redisPid, resetStats, total, waitForQuiet } from './redis-stats.ts';
import { request } from './requests.ts';
import { type BenchServices, startServices } from './services.ts';
import {
  baselineOptions,
  reelayEnv,
  type SutProcess,
  startBaselineWorker,
  startReelayWorker,
} from './workers.ts';

export type System = 'reelay' | 'baseline';
export const SYSTEMS: readonly System[] = ['baseline', 'reelay'];

export type PipelineRun = {
  system: System;
  n: number;
  seconds: number;
  generationsPerSec: number;
  enqueueSeconds: number;
  workerCpuMsPerGen: number;
  redisCpuMsPerGen: number;
  workerRssBytes: number;
  commands: Record<string, number>;
  commandsPerGen: number;
  /** Mean time of one job per stage (ms): with a stage's concurrency, its throughput ceiling. */
  stageMeanMs: Record<string, number>;
  /** With `monitor`: commands clients sent vs commands run inside Lua scripts, per generation. */
  split?: { clientPerGen: number; scriptPerGen: number; client: Record<string, number> };
};

export type PipelineOptions = {
  n: number;
  logDir: string;
  sim?: SimulatorOptions;
  /** Extra environment for Reelay's worker. */
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Count commands through MONITOR too (slows Redis; small runs only). */
  monitor?: boolean;
  batch?: number;
};

export async function startSystem(
  system: System,
  s: BenchServices,
  opts: { name: string; logDir: string; env?: Record<string, string>; nodeArgs?: string[] },
): Promise<SutProcess> {
  const spawn = {
    name: opts.name,
    logDir: opts.logDir,
    ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}),
  };
  return system === 'reelay'
    ? startReelayWorker(
        reelayEnv(s, { POLL_INITIAL_DELAY_MS: '10', POLL_MAX_DELAY_MS: '10', ...opts.env }),
        spawn,
      )
    : startBaselineWorker(baselineOptions(s), spawn);
}

/** An enqueue function for the system: Reelay's producer, or bare `addBulk` for the baseline. */
/**
 * BENCH_TENANTS=N spreads Reelay's generations over N tenants (equal weights), round robin: the
 * cost of the tenant gate's fair share against one tenant (docs/BENCHMARKS.md, fairness).
 */
const TENANTS = Math.max(1, Number(process.env.BENCH_TENANTS ?? 1) || 1);

export function enqueuer(system: System, s: BenchServices) {
  if (system === 'reelay') {
    const producer = createProducer({
      redisUrl: s.redis.url,
      prefix: s.prefix,
      allowPrivateNetworks: true,
      webhookDefaultUrl: s.receiver.url,
    });
    return {
      add: async (from: number, count: number) => {
        const results = await producer.enqueueMany(
          Array.from({ length: count }, (_, i) => ({
            request: request(from + i),
            ...(TENANTS > 1 ? { options: { tenant: `t${(from + i) % TENANTS}` } } : {}),
          })),
        );
        return results.map((r) => r.id);
      },
      close: () => producer.close(),
    };
  }
  const queue = baselineQueue(s.observer, s.prefix, 'submit');
  return {
    add: async (from: number, count: number) => {
      const items = Array.from({ length: count }, (_, i) => ({
        id: `base_${from + i}`,
        request: request(from + i),
      }));
      await queue.addBulk(items.map((data) => ({ name: 'submit', data })));
      return items.map((i) => i.id);
    },
    close: () => queue.close(),
  };
}

export async function runPipeline(system: System, opts: PipelineOptions): Promise<PipelineRun> {
  const s = await startServices({ taskDurationMs: 0, ...opts.sim });
  let sut: SutProcess | undefined;
  const enq = enqueuer(system, s);
  try {
    sut = await startSystem(system, s, {
      name: `${system}-pipeline`,
      logDir: opts.logDir,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}),
    });
    const redisProc = await redisPid(s.observer);
    await waitForQuiet(s.observer); // start-up commands are not the pipeline's
    const split = opts.monitor ? await monitorCommands(s) : undefined;
    await resetStats(s.observer);
    const cpu0 = [await readProcCpuMs(sut.pid), await readProcCpuMs(redisProc)];
    const t0 = performance.now();
    const batch = opts.batch ?? 100;
    for (let i = 0; i < opts.n; i += batch) await enq.add(i, Math.min(batch, opts.n - i));
    const enqueued = performance.now();
    await s.receiver.waitForCount(opts.n, 60_000 + opts.n * 20);
    const t1 = performance.now();
    const commands = await readCommandStats(s.observer);
    const cpu1 = [await readProcCpuMs(sut.pid), await readProcCpuMs(redisProc)];
    const rss = (await readProcMemory(sut.pid))?.rssBytes ?? Number.NaN;
    const stageMeanMs = await sut.stageMeanMs();
    const seconds = (t1 - t0) / 1000;
    const counted = split?.stop();
    return {
      system,
      n: opts.n,
      seconds,
      generationsPerSec: opts.n / seconds,
      enqueueSeconds: (enqueued - t0) / 1000,
      workerCpuMsPerGen: (cpu1[0]! - cpu0[0]!) / opts.n,
      redisCpuMsPerGen: (cpu1[1]! - cpu0[1]!) / opts.n,
      workerRssBytes: rss,
      commands,
      commandsPerGen: total(commands) / opts.n,
      stageMeanMs,
      ...(counted
        ? {
            split: {
              clientPerGen: total(counted.client) / opts.n,
              scriptPerGen: counted.script / opts.n,
              client: counted.client,
            },
          }
        : {}),
    };
  } finally {
    await sut?.stop();
    await enq.close().catch(() => {});
    await s.close();
  }
}

/** Counts commands seen by MONITOR: the ones clients sent, by name, and the ones Lua scripts ran. */
async function monitorCommands(s: BenchServices) {
  // ioredis opens a dedicated connection for MONITOR.
  const monitor = await s.observer.monitor();
  const client: Record<string, number> = {};
  let script = 0;
  let on = false;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!on) return;
    const name = String(args[0] ?? '').toLowerCase();
    if (source === 'lua') script++;
    else if (name !== 'info' && name !== 'config') client[name] = (client[name] ?? 0) + 1;
  });
  on = true;
  return {
    stop() {
      on = false;
      monitor.disconnect();
      return { client, script };
    },
  };
}
