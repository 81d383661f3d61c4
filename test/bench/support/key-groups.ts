/**
 * Redis memory by kind of key: every key under a prefix is named by its shape (ids replaced by
 * `<id>`), and MEMORY USAGE is summed per shape. Tells which key a per-generation cost sits in.
 */
import type { Redis } from 'ioredis';

/** `bench-1:gen:gen_01J…:dlv` → `gen:<id>:dlv`; `bench-1:poll:gen_01J….poll.3` → `poll:<job>`; `bench-1:poll:42` → `poll:<job>`. */
export function keyGroup(key: string, prefix: string): string {
  const rest = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : key;
  const parts = rest.split(':');
  return parts
    .map((p, i) => {
      if (/^gen_[0-9A-Za-z]+$/.test(p) || /^base_\d+$/.test(p)) return '<id>';
      if (i === 1 && (/^\d+$/.test(p) || /^gen_[0-9A-Za-z]+\./.test(p))) return '<job>';
      if (parts[0] === 'idem' && i === 1) return '<key>';
      return p;
    })
    .join(':');
}

export type GroupUsage = { keys: number; bytes: number };

/** SCANs the prefix and sums MEMORY USAGE (exact: SAMPLES 0) per key group, largest first. */
export async function memoryByGroup(redis: Redis, prefix: string): Promise<Record<string, GroupUsage>> {
  const groups: Record<string, GroupUsage> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (!keys.length) continue;
    const pipe = redis.pipeline();
    for (const k of keys) pipe.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    const replies = (await pipe.exec()) ?? [];
    keys.forEach((k, i) => {
      const g = keyGroup(k, prefix);
      const usage = groups[g] ?? { keys: 0, bytes: 0 };
      groups[g] = usage;
      usage.keys++;
      usage.bytes += Number(replies[i]?.[1] ?? 0);
    });
  } while (cursor !== '0');
  return Object.fromEntries(Object.entries(groups).sort((a, b) => b[1].bytes - a[1].bytes));
}
