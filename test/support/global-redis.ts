import { ensureRedis } from '@reelay/devstack';

/**
 * Integration tests need a Redis: REDIS_URL (default 127.0.0.1:6379) when one answers, else a
 * redis-server started for this run. Test files read REDIS_URL, set here before they start.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const redis = await ensureRedis({ log: (line) => process.stderr.write(`[redis] ${line}\n`) });
  process.env.REDIS_URL = redis.url;
  return () => redis.stop();
}
