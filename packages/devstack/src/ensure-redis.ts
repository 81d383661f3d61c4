import { pingRedis } from './redis-probe.ts';
import { REDIS_NOT_INSTALLED, startRedisServer } from './redis-server.ts';

export interface EnsureRedisOptions {
  /** @defaultValue process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  url?: string;
  /** Told which Redis is used and why. @defaultValue no-op */
  log?: (line: string) => void;
}

export interface EnsuredRedis {
  url: string;
  /** Whether a redis-server was started for us (then `stop` ends it). */
  started: boolean;
  /** Ends the started server and removes its dir; no-op for a Redis that was already there. */
  stop(): Promise<void>;
}

/** A Redis to use: the one at `url` if it answers PING, else a throwaway redis-server on a free port. */
export async function ensureRedis(opts: EnsureRedisOptions = {}): Promise<EnsuredRedis> {
  const url = opts.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const log = opts.log ?? (() => {});
  const ping = await pingRedis(url, 500);
  if (ping.ok) {
    log(`using the Redis at ${url}`);
    return { url, started: false, stop: async () => {} };
  }
  log(`no Redis answers at ${url} (${ping.error}); starting redis-server`);
  try {
    const server = await startRedisServer();
    log(`started redis-server (pid ${server.pid}) at ${server.url}`);
    return { url: server.url, started: true, stop: () => server.stop() };
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === REDIS_NOT_INSTALLED) {
      throw Object.assign(new Error(`No Redis answers at ${url}, and ${lowerFirst(err.message)}`), {
        code: REDIS_NOT_INSTALLED,
      });
    }
    throw err;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
