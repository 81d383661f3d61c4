/** What a benchmark reads from its own redis-server: command counts, memory, the server's pid. */
import type { Redis } from 'ioredis';

/** Commands the benchmark itself sends to observe; never counted against a system. */
const OBSERVER_COMMANDS = new Set([
  'info',
  'config|resetstat',
  'config|get',
  'memory|usage',
  'dbsize',
  'monitor',
]);

/** `INFO commandstats` → calls per command (`cmdstat_config|get:calls=1,…` → { 'config|get': 1 }). */
export function parseCommandStats(info: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

/** Calls of the system under test: every command but the observer's. */
export function systemCalls(stats: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(stats).filter(([cmd]) => !OBSERVER_COMMANDS.has(cmd)));
}

export const total = (stats: Record<string, number>): number =>
  Object.values(stats).reduce((a, b) => a + b, 0);

/** The `n` most called commands, most first. */
export function topCommands(stats: Record<string, number>, n: number): Array<[string, number]> {
  return Object.entries(stats)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
}

export function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(info)?.[1]?.trim();
}

export async function resetStats(redis: Redis): Promise<void> {
  await redis.config('RESETSTAT');
}

export async function readCommandStats(redis: Redis): Promise<Record<string, number>> {
  return systemCalls(parseCommandStats(await redis.info('commandstats')));
}

export async function usedMemory(redis: Redis): Promise<number> {
  return Number(infoField(await redis.info('memory'), 'used_memory'));
}

export async function redisPid(redis: Redis): Promise<number> {
  return Number(infoField(await redis.info('server'), 'process_id'));
}

export async function redisVersion(redis: Redis): Promise<string> {
  return infoField(await redis.info('server'), 'redis_version') ?? 'unknown';
}

/**
 * Waits until the systems on this Redis have gone quiet: none of their commands (the
 * observer's excluded) over one `windowMs`. For readings that start-up work would skew.
 */
export async function waitForQuiet(redis: Redis, windowMs = 200, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = total(await readCommandStats(redis));
  for (;;) {
    await new Promise((r) => setTimeout(r, windowMs)); // the observation window, not a guess
    const now = total(await readCommandStats(redis));
    if (now === last) return;
    if (Date.now() > deadline)
      throw new Error(
        `Redis did not go quiet within ${timeoutMs} ms (${now - last} commands in ${windowMs} ms)`,
      );
    last = now;
  }
}
