/**
 * What a run will do, decided up front from the seed: the chaos schedule (which worker slot is
 * killed when, the Redis restart, the S3 outage) and the enqueue plan (when each generation is
 * enqueued, which ones carry an idempotency key and are enqueued a second time).
 */
import type { Profile } from './profiles.ts';
import { createRng } from './rng.ts';

export type ChaosEvent =
  /** `frozen`: Redis writes are paused around the kill, so it lands between two of the worker's writes. */
  | { at: number; kind: 'kill'; slot: number; frozen: boolean }
  | { at: number; kind: 'redis-restart' }
  | { at: number; kind: 's3-pause' }
  | { at: number; kind: 's3-resume' };

export type EnqueueItem = {
  at: number;
  /** Which generation of the plan (0-based); a repeat shares the index of its first enqueue. */
  index: number;
  idempotencyKey?: string;
  /** The second enqueue of an idempotency key: must return the first one's generation. */
  repeat: boolean;
  /** A batch (batches.ts): the plan indices of its members, `index` being the first. */
  members?: number[];
  /** A batch canceled (cancelBatch) this long after it was created: some members end canceled. */
  cancelAfterMs?: number;
};

// Separate streams, so a change to one plan does not shift the other.
const CHAOS_STREAM = 0x5eed_c4a0;
const ENQUEUE_STREAM = 0x5eed_e4c0;

export function planChaos(profile: Profile, seed: number): ChaosEvent[] {
  const rng = createRng(seed ^ CHAOS_STREAM);
  const events: ChaosEvent[] = [];
  for (let at = profile.firstKillMs; at < profile.chaosMs; at += rng.between(...profile.killGapMs)) {
    events.push({
      at: Math.round(at),
      kind: 'kill',
      slot: rng.int(profile.workers),
      frozen: rng.chance(0.5),
    });
  }
  events.push({ at: Math.round(rng.between(...profile.redisRestartMs)), kind: 'redis-restart' });
  const pause = Math.round(rng.between(...profile.s3OutageStartMs));
  events.push({ at: pause, kind: 's3-pause' }, { at: pause + profile.s3OutageMs, kind: 's3-resume' });
  return events.sort((a, b) => a.at - b.at);
}

export function planEnqueues(profile: Profile, seed: number, runId: string): EnqueueItem[] {
  const rng = createRng(seed ^ ENQUEUE_STREAM);
  const gap = profile.enqueueMs / profile.generations;
  const items: EnqueueItem[] = [];
  for (let index = 0; index < profile.generations; index++) {
    const at = Math.round(index * gap);
    if (!rng.chance(profile.idempotentFraction)) {
      items.push({ at, index, repeat: false });
      continue;
    }
    const idempotencyKey = `${runId}-${index}`;
    items.push({ at, index, idempotencyKey, repeat: false });
    // The repeat comes a little later, still inside the enqueue window.
    const again = Math.min(profile.enqueueMs, at + Math.round(rng.between(100, 5_000)));
    items.push({ at: again, index, idempotencyKey, repeat: true });
  }
  return items.sort((a, b) => a.at - b.at || Number(a.repeat) - Number(b.repeat));
}
