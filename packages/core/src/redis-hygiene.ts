import type { Redis } from 'ioredis';

export type RedisFacts = { maxmemoryPolicy?: string; aofEnabled?: boolean; rdbSave?: string };
export type HygieneVerdict = { errors: string[]; warnings: string[] };

/**
 * Whether a Redis is safe for queues. Any eviction policy but `noeviction` lets Redis drop
 * job or record keys under memory pressure: accepted generations would vanish. No AOF and no
 * RDB snapshots means a restart loses everything: worth a warning, not a refusal (tests and
 * caches run like that on purpose).
 */
export function judgeRedis(facts: RedisFacts, allowEviction: boolean): HygieneVerdict {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (facts.maxmemoryPolicy && facts.maxmemoryPolicy !== 'noeviction') {
    const msg = `Redis maxmemory-policy is ${facts.maxmemoryPolicy}: under memory pressure Redis may evict queued jobs and status records. Set it to noeviction${allowEviction ? '' : ', or set REDIS_ALLOW_EVICTION=true to run anyway'}.`;
    (allowEviction ? warnings : errors).push(msg);
  }
  if (facts.aofEnabled === false && (facts.rdbSave === undefined || facts.rdbSave.trim() === '')) {
    warnings.push(
      'Redis persistence is off (no AOF, no RDB snapshots): a Redis restart loses every queued generation. Enable appendonly for production.',
    );
  }
  return { errors, warnings };
}

/** Reads the facts from INFO (always allowed) and CONFIG GET save (often disabled on managed Redis). */
export async function readRedisFacts(redis: Redis): Promise<RedisFacts> {
  const info = await redis.info();
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const facts: RedisFacts = {};
  const policy = field('maxmemory_policy');
  if (policy) facts.maxmemoryPolicy = policy;
  const aof = field('aof_enabled');
  if (aof !== undefined) facts.aofEnabled = aof === '1';
  try {
    const save = (await redis.config('GET', 'save')) as string[];
    if (save[1] !== undefined) facts.rdbSave = save[1];
  } catch {
    // CONFIG is disabled: leave rdbSave unknown, so no warning is guessed.
    facts.rdbSave = 'unknown';
  }
  return facts;
}
