import type { Redis } from 'ioredis';
import { loadLua, runLua } from './lua-script.ts';

const PAUSE = loadLua('upstream-pause');

/**
 * The upstream pause (the circuit breaker): while set, no worker creates upstream tasks, except
 * one probe every UPSTREAM_PAUSE_PROBE_MS; poll, sink and notify go on. Set by a submit that got
 * an account failure (bad key, no balance, no permission) or by an operator; cleared by a probe
 * that succeeds or by an operator. One hash shared by every process under the prefix.
 */
export type UpstreamPause = {
  /** Why: the upstream's answer, or the operator's note. */
  reason: string;
  /** The error code that paused it (REELAY_UPSTREAM_*), or `REELAY_UPSTREAM_PAUSED`. */
  code: string;
  since: number;
  by: 'auto' | 'operator';
};

export type UpstreamPauseStore = ReturnType<typeof createUpstreamPause>;

export function createUpstreamPause(redis: Redis, opts: { prefix: string; now?: () => number }) {
  const key = `${opts.prefix}:upstream:pause`;
  const probeKey = `${opts.prefix}:upstream:probe`;
  const now = opts.now ?? Date.now;

  return {
    key,
    async get(): Promise<UpstreamPause | undefined> {
      const h = await redis.hgetall(key);
      if (!h.code) return undefined;
      return {
        reason: h.reason ?? '',
        code: h.code,
        since: Number(h.since),
        by: h.by === 'operator' ? 'operator' : 'auto',
      };
    },
    /**
     * Pauses (or keeps paused, with the newer reason; `since` stays the first). An automatic pause
     * never replaces an operator's: only the operator resumes what they paused.
     */
    async pause(p: Omit<UpstreamPause, 'since'>): Promise<void> {
      await runLua(redis, PAUSE, [key], [now(), p.reason.slice(0, 300), p.code, p.by]);
    },
    /** Resumes: every worker creates again at its next submit. */
    async resume(): Promise<boolean> {
      return (await redis.del(key, probeKey)) > 0;
    },
    /**
     * Claims the next probe: true for one caller per `probeMs` across every process. The claim
     * expires by itself, so a probe whose worker died is made again one period later.
     */
    async claimProbe(probeMs: number): Promise<boolean> {
      return (await redis.set(probeKey, String(now()), 'PX', probeMs, 'NX')) === 'OK';
    },
    /** When the current probe claim ends (ms from now; 0 when none is held). */
    async probeWaitMs(): Promise<number> {
      return Math.max(0, await redis.pttl(probeKey));
    },
  };
}
