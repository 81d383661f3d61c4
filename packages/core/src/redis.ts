import { Redis, type RedisOptions } from 'ioredis';

/**
 * One ioredis connection. Workers need `maxRetriesPerRequest: null` (BullMQ's blocking
 * commands must wait out a reconnect rather than fail); producers keep ioredis' bounded retries
 * so an `enqueue` during an outage rejects instead of hanging.
 */
export function createRedis(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 3,
    enableReadyCheck: true,
    connectionName: `reelay-${role}`,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
    ...extra,
  });
}
