import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

export type LuaScript = { name: string; source: string; sha: string };

const read = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

/**
 * A script from lua/, with `--#include <name>` lines replaced by lua/<name>.lua: rules several
 * scripts share (the tenant gate's) are written once. Redis sees one self-contained script.
 */
export function loadLua(name: string): LuaScript {
  const source = read(name).replace(/^--#include ([a-z-]+)$/gm, (_, lib: string) => read(lib));
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** EVALSHA, falling back to EVAL once when Redis has not seen the script (e.g. after a restart). */
export async function runLua(
  redis: Redis,
  script: LuaScript,
  keys: string[],
  args: Array<string | number>,
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('NOSCRIPT'))
      return redis.eval(script.source, keys.length, ...keys, ...args);
    throw e;
  }
}
