/**
 * Plays the chaos schedule against the running system, one action at a time: SIGKILL a worker
 * (and note whether it died inside a submit window) then start its replacement, SIGKILL Redis
 * and restart it from its AOF on the same port, take S3 away and bring it back; all along, the
 * workers' Redis links drop a reply now and then. When the chaos phase ends, the upstream and
 * receiver faults, the link cuts and the workers' crash points stop.
 */
import { writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { KillHow, KillView } from './observations.ts';
import type { ChaosEvent } from './plan.ts';
import { SIM_CALM } from './profiles.ts';
import type { Services } from './services.ts';
import { generationsInWindow } from './submit-window.ts';
import { atOffset } from './wait.ts';
import type { WorkerPool } from './worker-pool.ts';

/** How long Redis writes stay paused around a frozen kill; the kill comes halfway. */
const FREEZE_MS = 300;

export type ChaosLog = {
  kills: KillView[];
  redisRestarts: Array<{ at: number; downMs: number }>;
  s3Outages: Array<{ at: number; ms: number }>;
};

export const emptyChaosLog = (): ChaosLog => ({ kills: [], redisRestarts: [], s3Outages: [] });

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Records a dead worker's kill, once it is dead: which submit windows it was inside. */
export async function noteKill(
  s: Services,
  out: ChaosLog,
  worker: { name: string; pid: number },
  how: KillHow,
  at: number,
  log: (line: string) => void,
): Promise<void> {
  const inWindow = await generationsInWindow(s.tap, worker.name, s.monitor, s.prefix);
  out.kills.push({ at, worker: worker.name, how, inWindow });
  const window = inWindow.length ? `, inside the submit window of ${inWindow.length}` : '';
  const manner = how === 'frozen' ? ' between two writes' : how === 'crash-point' ? ' (crash point)' : '';
  log(`t=${secs(at)} killed ${worker.name} (pid ${worker.pid})${manner}${window}`);
}

export async function runChaos(opts: {
  events: readonly ChaosEvent[];
  chaosMs: number;
  redisCutRate: number;
  services: Services;
  pool: WorkerPool;
  out: ChaosLog;
  /** Created when the chaos phase ends: the workers' crash points read it (crash-points.ts). */
  crashOffFile: string;
  start: number;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<void> {
  const { services: s, pool, out, start, signal, log } = opts;
  const now = () => Date.now() - start;
  let s3PausedAt: number | undefined;
  s.links.setCutRate(opts.redisCutRate);

  for (const event of opts.events) {
    await atOffset(start, event.at, signal);
    switch (event.kind) {
      case 'kill': {
        // A frozen kill: with writes paused, every job of the victim sits between two writes.
        if (event.frozen) {
          await s.monitor.call('CLIENT', 'PAUSE', String(FREEZE_MS), 'WRITE');
          await delay(FREEZE_MS / 2, undefined, { signal });
        }
        const victim = await pool.kill(event.slot);
        if (!victim) break;
        await noteKill(s, out, victim, event.frozen ? 'frozen' : 'sigkill', now(), log);
        await pool.respawn(event.slot);
        break;
      }
      case 'redis-restart': {
        const at = now();
        await s.redis.restart('SIGKILL');
        const downMs = now() - at;
        out.redisRestarts.push({ at, downMs });
        log(`t=${secs(at)} redis-server SIGKILLed and restarted from its AOF (${downMs} ms)`);
        break;
      }
      case 's3-pause':
        s3PausedAt = now();
        await s.s3.pause();
        log(`t=${secs(s3PausedAt)} S3 away`);
        break;
      case 's3-resume':
        await s.s3.resume();
        if (s3PausedAt !== undefined) out.s3Outages.push({ at: s3PausedAt, ms: now() - s3PausedAt });
        s3PausedAt = undefined;
        log(`t=${secs(now())} S3 back`);
        break;
    }
  }
  await atOffset(start, opts.chaosMs, signal);
  if (s3PausedAt !== undefined) {
    await s.s3.resume();
    out.s3Outages.push({ at: s3PausedAt, ms: now() - s3PausedAt });
  }
  await writeFile(opts.crashOffFile, '');
  s.links.setCutRate(0);
  s.sim.configure(SIM_CALM);
  s.receiver.setFailRate(0);
  log(`t=${secs(now())} faults off; draining`);
}
