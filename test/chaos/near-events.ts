/**
 * Which chaos happened around an instant: for a lost generation, the kills and the Redis
 * restart closest to its last state change, which is usually where its cause is.
 */
import type { KillView } from './observations.ts';

export type ChaosMoments = {
  kills: readonly KillView[];
  redisRestarts: ReadonlyArray<{ at: number; downMs: number }>;
  s3Outages: ReadonlyArray<{ at: number; ms: number }>;
};

/** Events within `spanMs` of `t` (run ms), nearest first, as "kill w7 (frozen) 12 ms after". */
export function chaosNear(t: number, chaos: ChaosMoments, spanMs = 2_000): string[] {
  const events = [
    ...chaos.kills.map((k) => ({
      at: k.at,
      what: `kill ${k.worker}${k.how === 'sigkill' ? '' : ` (${k.how})`}`,
    })),
    ...chaos.redisRestarts.map((r) => ({ at: r.at, what: 'redis SIGKILL' })),
    ...chaos.s3Outages.flatMap((o) => [
      { at: o.at, what: 'S3 away' },
      { at: o.at + o.ms, what: 'S3 back' },
    ]),
  ];
  return events
    .filter((e) => Math.abs(e.at - t) <= spanMs)
    .sort((a, b) => Math.abs(a.at - t) - Math.abs(b.at - t))
    .map((e) => `${e.what} ${Math.abs(e.at - t)} ms ${e.at >= t ? 'after' : 'before'}`);
}
