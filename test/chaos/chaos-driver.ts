/**
 * Plays the chaos schedule against the running system, one action at a time: SIGKILL a worker
 * (and note whether it died inside a submit window) then start its replacement, SIGKILL Redis
 * and restart it from its AOF on the same port, take S3 away and bring it back. When the chaos
 * phase ends, the upstream and receiver faults stop.
 */
import type { KillView } from './observations.ts';
import type { ChaosEvent } from './plan.ts';
import { SIM_CALM } from './profiles.ts';
import type { Services } from './services.ts';
import { generationsInWindow } from './submit-window.ts';
import { atOffset } from './wait.ts';
import type { WorkerPool } from './worker-pool.ts';

export type ChaosLog = {
  kills: KillView[];
  redisRestarts: Array<{ at: number; downMs: number }>;
  s3Outages: Array<{ at: number; ms: number }>;
};

export async function runChaos(opts: {
  events: readonly ChaosEvent[];
  chaosMs: number;
  services: Services;
  pool: WorkerPool;
  start: number;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<ChaosLog> {
  const { services: s, pool, start, signal, log } = opts;
  const out: ChaosLog = { kills: [], redisRestarts: [], s3Outages: [] };
  const now = () => Date.now() - start;
  let s3PausedAt: number | undefined;

  for (const event of opts.events) {
    await atOffset(start, event.at, signal);
    switch (event.kind) {
      case 'kill': {
        const victim = await pool.kill(event.slot);
        if (!victim) break;
        const at = now();
        const inWindow = await generationsInWindow(s.tap, victim.name, s.monitor, s.prefix);
        const next = await pool.respawn(event.slot);
        out.kills.push({ at, worker: victim.name, inWindow });
        log(
          `t=${secs(at)} killed ${victim.name} (pid ${victim.pid})${inWindow.length ? `, inside the submit window of ${inWindow.length}` : ''}; started ${next.name}`,
        );
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
  s.sim.configure(SIM_CALM);
  s.receiver.setFailRate(0);
  log(`t=${secs(now())} faults off; draining`);
  return out;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
