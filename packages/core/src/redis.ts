import { Redis, type RedisOptions } from 'ioredis';

/** Where a connection reports trouble; a pino logger fits. */
export type RedisLog = {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
};

/**
 * One ioredis connection. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking
 * commands must wait out a reconnect rather than fail); producers keep ioredis' bounded retries
 * so an `enqueue` during an outage rejects instead of hanging.
 *
 * With `log`, the connection reports the first error of an outage and its end, once each:
 * ioredis emits an error on every reconnect attempt, and without a listener prints
 * "[ioredis] Unhandled error event" for each to stderr.
 */
export function createRedis(
  url: string,
  role: 'worker' | 'producer',
  extra: RedisOptions = {},
  log?: RedisLog,
): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    connectionName: `reelay-${role}`,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
    ...extra,
  });
  let down = false;
  redis.on('error', (err: Error & { code?: string }) => {
    if (down || !log) return;
    down = true;
    log.warn({ code: err.code, message: err.message }, 'Redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log?.info({}, 'Redis connection restored');
  });
  return redis;
}
