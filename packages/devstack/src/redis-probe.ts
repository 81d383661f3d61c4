import { Redis, type RedisOptions } from 'ioredis';

// One attempt, fail fast: a probe must not sit in ioredis' reconnect loop or offline queue.
const ONE_SHOT: RedisOptions = {
  lazyConnect: true,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
  enableOfflineQueue: false,
  enableReadyCheck: false,
};

export type ProbeResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Connect once to `url`, run `fn`, disconnect; never throws. */
export async function probeRedis<T>(
  url: string,
  fn: (redis: Redis) => Promise<T>,
  timeoutMs = 1_000,
): Promise<ProbeResult<T>> {
  const redis = new Redis(url, { ...ONE_SHOT, connectTimeout: timeoutMs, commandTimeout: timeoutMs });
  // connect() only rejects with "Connection is closed."; the socket error says why.
  let socketError: Error | undefined;
  redis.on('error', (err: Error) => {
    socketError ??= err;
  });
  try {
    await redis.connect();
    return { ok: true, value: await fn(redis) };
  } catch (err) {
    const cause = socketError ?? err;
    return { ok: false, error: cause instanceof Error ? cause.message : String(cause) };
  } finally {
    redis.disconnect();
  }
}

/** Whether a Redis at `url` answers PING. */
export async function pingRedis(url: string, timeoutMs?: number): Promise<ProbeResult<string>> {
  return probeRedis(url, (redis) => redis.ping(), timeoutMs);
}
