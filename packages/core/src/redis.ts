import { Redis, type RedisOptions } from 'ioredis';

/**
 * The default bound of one producer call's Redis work: 5 s. A healthy Redis answers in
 * milliseconds, and a busy one (a large enqueueMany, a BGSAVE fork) in well under a second; 5 s
 * leaves that headroom while still answering an HTTP client (whose own timeouts are commonly
 * 10-30 s) with a 503 it can act on, instead of a hang.
 */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 5_000;

/** Where a connection reports trouble; a pino logger fits. */
export type RedisLog = {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
};

/**
 * One ioredis connection. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking
 * commands must wait out a reconnect rather than fail); producers keep ioredis' bounded retries
 * so an `enqueue` during an outage rejects instead of hanging, and a `commandTimeout`
 * (DEFAULT_REDIS_COMMAND_TIMEOUT_MS unless `extra` sets one) so a frozen Redis cannot hang them.
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
    // A producer's command fails after this long, also one waiting in the offline queue while
    // the connection is down; a worker's blocking commands (BRPOPLPUSH, BZPOPMIN) must not.
    ...(role === 'producer' ? { commandTimeout: DEFAULT_REDIS_COMMAND_TIMEOUT_MS } : {}),
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
