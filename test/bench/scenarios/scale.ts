/**
 * Scenario 3, scale: many generations in flight at once on tasks that never finish, polled at a
 * fixed interval short enough that the workers are always behind (so what is measured is the poll
 * rate they sustain). At each level: polls/s (the simulator's counter), worker RSS, event-loop
 * delay and Redis memory, with one worker process; at the top level again with two. Baseline: raw
 * BullMQ delayed jobs doing the same GET, fed directly (no submit stage).
 */
import { Agent, request as httpRequest } from 'undici';
import { baselineQueue } from '../baseline/pipeline.ts';
import type { Row, Scenario, ScenarioContext } from '../scenario.ts';
import { round, roundSummary, summarize } from '../stats.ts';
import { enqueuer, SYSTEMS, type System } from '../support/pipeline-run.ts';
import { readProcCpuMs, readProcMemory } from '../support/proc-stats.ts';
import { redisPid, usedMemory } from '../support/redis-stats.ts';
import { request } from '../support/requests.ts';
import { type BenchServices, startServices } from '../support/services.ts';
import {
  baselineOptions,
  reelayEnv,
  type SutProcess,
  startBaselineWorker,
  startReelayWorker,
} from '../support/workers.ts';

type Window = {
  pollsPerSec: number;
  /** CPU the worker processes and redis-server spent per poll: robust to other load on the machine. */
  workerCpuMsPerPoll: number;
  redisCpuMsPerPoll: number;
  loopP99Ms: number;
  rssMB: number[];
  redisMB: number;
};
type Level = { inFlight: number; workers: number; windows: Window[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cpuMs(pids: number[]): Promise<number> {
  return (await Promise.all(pids.map(readProcCpuMs))).reduce((a, b) => a + b, 0);
}

async function measure(s: BenchServices, workers: SutProcess[], ms: number): Promise<Window> {
  await Promise.all(workers.map((w) => w.loopDelay())); // resets both systems' histograms
  const redisProc = await redisPid(s.observer);
  const cpu0 = [await cpuMs(workers.map((w) => w.pid)), await readProcCpuMs(redisProc)];
  const p0 = s.sim.stats().polls;
  const t0 = performance.now();
  await sleep(ms);
  const p1 = s.sim.stats().polls;
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = [await cpuMs(workers.map((w) => w.pid)), await readProcCpuMs(redisProc)];
  const loops = await Promise.all(workers.map((w) => w.loopDelay()));
  const rss = await Promise.all(workers.map((w) => readProcMemory(w.pid)));
  return {
    pollsPerSec: (p1 - p0) / seconds,
    workerCpuMsPerPoll: (cpu1[0]! - cpu0[0]!) / (p1 - p0),
    redisCpuMsPerPoll: (cpu1[1]! - cpu0[1]!) / (p1 - p0),
    loopP99Ms: Math.max(...loops.map((l) => l.p99Ms)),
    rssMB: rss.map((m) => (m?.rssBytes ?? Number.NaN) / 1e6),
    redisMB: (await usedMemory(s.observer)) / 1e6,
  };
}

/** The baseline's fill: creates tasks straight at the simulator and adds their first delayed poll. */
async function fillBaseline(s: BenchServices, from: number, to: number, intervalMs: number): Promise<void> {
  const queue = baselineQueue(s.observer, s.prefix, 'poll');
  const agent = new Agent({ connections: 32 });
  try {
    for (let i = from; i < to; i += 500) {
      const ids = Array.from({ length: Math.min(500, to - i) }, (_, j) => i + j);
      const tasks = await Promise.all(
        ids.map(async (j) => {
          const res = await httpRequest(`${s.sim.url}/model/v1/generation`, {
            method: 'POST',
            dispatcher: agent,
            headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'wan27_i2v', input: [{ params: request(j) }] }),
          });
          return { id: `base_${j}`, taskId: ((await res.body.json()) as { id: string }).id };
        }),
      );
      await queue.addBulk(
        tasks.map((data) => ({
          name: 'poll',
          data,
          opts: { delay: Math.round(Math.random() * intervalMs) },
        })),
      );
    }
  } finally {
    await queue.close();
    await agent.close();
  }
}

async function startWorker(
  system: System,
  s: BenchServices,
  name: string,
  intervalMs: number,
  ctx: ScenarioContext,
) {
  return system === 'reelay'
    ? startReelayWorker(
        reelayEnv(s, {
          POLL_INITIAL_DELAY_MS: String(intervalMs),
          POLL_MAX_DELAY_MS: String(intervalMs),
          // A fixed interval: no proportional part, the slack is the interval.
          POLL_INTERVAL_RATIO: '0.001',
          POLL_SLACK_MS: String(intervalMs),
          POLL_DEADLINE_MS: String(6 * 3_600_000),
          SUBMIT_CONCURRENCY: '50',
        }),
        { name, logDir: ctx.logDir, nodeArgs: ctx.nodeArgs },
      )
    : startBaselineWorker(baselineOptions(s, { pollDelayMs: intervalMs, stages: ['poll'] }), {
        name,
        logDir: ctx.logDir,
      });
}

async function runSystem(
  system: System,
  levels: number[],
  ctx: ScenarioContext,
  o: { intervalMs: number; windowMs: number; windows: number },
) {
  const s = await startServices({ stuckRate: 1 });
  const workers: SutProcess[] = [];
  const out: Level[] = [];
  const enq = system === 'reelay' ? enqueuer('reelay', s) : undefined;
  try {
    workers.push(await startWorker(system, s, `${system}-scale-1`, o.intervalMs, ctx));
    let filled = 0;
    const measureLevel = async (inFlight: number) => {
      await sleep(Math.min(3_000, o.windowMs / 2));
      const windows: Window[] = [];
      for (let w = 0; w < o.windows; w++) windows.push(await measure(s, workers, o.windowMs));
      out.push({ inFlight, workers: workers.length, windows });
      const med = summarize(windows.map((x) => x.pollsPerSec)).median;
      ctx.log(
        `scale ${system}: ${inFlight.toLocaleString('en')} in flight, ${workers.length} worker(s): ${med.toFixed(0)} polls/s, ${windows.at(-1)!.workerCpuMsPerPoll.toFixed(3)} worker CPU ms/poll, RSS ${windows
          .at(-1)!
          .rssMB.map((m) => m.toFixed(0))
          .join('+')} MB`,
      );
    };
    for (const level of levels) {
      const t0 = performance.now();
      if (enq) {
        for (let i = filled; i < level; i += 500) await enq.add(i, Math.min(500, level - i));
        const deadline = Date.now() + 30 * 60_000;
        while (s.sim.stats().creates < level) {
          if (Date.now() > deadline) throw new Error(`only ${s.sim.stats().creates} of ${level} submitted`);
          await sleep(500);
        }
      } else {
        await fillBaseline(s, filled, level, o.intervalMs);
      }
      ctx.log(
        `scale ${system}: filled to ${level.toLocaleString('en')} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
      filled = level;
      await measureLevel(level);
    }
    workers.push(await startWorker(system, s, `${system}-scale-2`, o.intervalMs, ctx));
    await measureLevel(filled);
    return out;
  } finally {
    for (const w of workers) await w.stop();
    await enq?.close().catch(() => {});
    await s.close();
  }
}

export const scale: Scenario = {
  name: 'scale',
  title: 'Scale',
  async run(ctx) {
    const top = ctx.quick ? 500 : Number(process.env.BENCH_SCALE_MAX ?? 100_000);
    const levels = ctx.quick ? [200, 500] : [top / 10, top / 2, top].map(Math.round);
    const o = ctx.quick
      ? { intervalMs: 200, windowMs: 1_000, windows: 1 }
      : { intervalMs: 500, windowMs: 10_000, windows: 3 };
    const results = {} as Record<System, Level[]>;
    for (const sys of SYSTEMS) results[sys] = await runSystem(sys, levels, ctx, o);

    const at = (sys: System, inFlight: number, workers: number) =>
      results[sys].find((l) => l.inFlight === inFlight && l.workers === workers)!.windows;
    const pollRow = (inFlight: number, workers: number, target: boolean): Row => {
      const r = summarize(at('reelay', inFlight, workers).map((w) => w.pollsPerSec));
      const b = summarize(at('baseline', inFlight, workers).map((w) => w.pollsPerSec));
      const ratio = r.median / b.median;
      return {
        figure: `polls/s, ${inFlight.toLocaleString('en')} in flight, ${workers} worker process${workers > 1 ? 'es' : ''}`,
        unit: 'polls/s',
        reelay: roundSummary(r),
        baseline: roundSummary(b),
        ratio: round(ratio),
        ...(target ? { target: '≥ 0.7 × baseline', met: ratio >= 0.7 } : {}),
      };
    };
    const cpuRow = (inFlight: number, workers: number, who: string, pick: (w: Window) => number): Row => {
      const r = summarize(at('reelay', inFlight, workers).map(pick));
      const b = summarize(at('baseline', inFlight, workers).map(pick));
      return {
        figure: `${who} CPU per poll, ${inFlight.toLocaleString('en')} in flight, ${workers} worker process${workers > 1 ? 'es' : ''}`,
        unit: 'ms',
        reelay: roundSummary(r),
        baseline: roundSummary(b),
        ratio: round(r.median / b.median),
      };
    };
    const rssOf = (sys: System, inFlight: number) =>
      summarize(at(sys, inFlight, 1).map((w) => w.rssMB[0]!)).median;
    const growth = rssOf('reelay', top) / rssOf('reelay', levels[0]!);
    const rows: Row[] = [
      ...levels.map((l) => pollRow(l, 1, l === top)),
      pollRow(top, 2, true),
      cpuRow(top, 1, 'worker', (w) => w.workerCpuMsPerPoll),
      cpuRow(top, 2, 'worker', (w) => w.workerCpuMsPerPoll),
      cpuRow(top, 1, 'redis-server', (w) => w.redisCpuMsPerPoll),
      ...levels.map(
        (l): Row => ({
          figure: `worker RSS, ${l.toLocaleString('en')} in flight, 1 worker`,
          unit: 'MB',
          reelay: round(rssOf('reelay', l)),
          baseline: round(rssOf('baseline', l)),
        }),
      ),
      {
        figure: `worker RSS growth ${levels[0]!.toLocaleString('en')} → ${top.toLocaleString('en')} in flight`,
        unit: '×',
        reelay: round(growth),
        baseline: round(rssOf('baseline', top) / rssOf('baseline', levels[0]!)),
        target: 'flat (≤ 1.2×)',
        met: growth <= 1.2,
      },
      {
        figure: `event-loop delay p99, ${top.toLocaleString('en')} in flight, 1 worker`,
        unit: 'ms',
        reelay: round(summarize(at('reelay', top, 1).map((w) => w.loopP99Ms)).median),
        baseline: round(summarize(at('baseline', top, 1).map((w) => w.loopP99Ms)).median),
      },
      {
        figure: `Redis used_memory, ${top.toLocaleString('en')} in flight`,
        unit: 'MB',
        reelay: round(summarize(at('reelay', top, 1).map((w) => w.redisMB)).median),
        baseline: round(summarize(at('baseline', top, 1).map((w) => w.redisMB)).median),
      },
    ];
    return {
      name: 'scale',
      title: 'Scale',
      setup: `${levels.map((l) => l.toLocaleString('en')).join(' / ')} generations in flight on tasks that never finish, polled every ${o.intervalMs} ms ±20% (demand far above what the workers sustain); ${o.windows} window(s) of ${o.windowMs / 1000} s per level; poll concurrency 50 per process in both`,
      rows,
      notes: [],
      details: { levels, ...o, results },
    };
  },
};
