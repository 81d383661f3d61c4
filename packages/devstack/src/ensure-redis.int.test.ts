import { afterEach, describe, expect, it } from 'vitest';
import { ensureRedis } from './ensure-redis.ts';
import { freePort } from './free-port.ts';
import { pingRedis } from './redis-probe.ts';
import { REDIS_NOT_INSTALLED, type RedisServerProcess, startRedisServer } from './redis-server.ts';

describe('ensureRedis', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const existing = async (): Promise<RedisServerProcess> => {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    return server;
  };

  it('uses a Redis that answers, and its stop leaves that Redis running', async () => {
    const server = await existing();
    const lines: string[] = [];
    const redis = await ensureRedis({ url: server.url, log: (line) => lines.push(line) });
    expect(redis).toMatchObject({ url: server.url, started: false });
    expect(lines).toEqual([`using the Redis at ${server.url}`]);
    await redis.stop();
    expect((await pingRedis(server.url)).ok).toBe(true);
  });

  it('defaults to REDIS_URL', async () => {
    const server = await existing();
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = server.url;
    try {
      expect(await ensureRedis()).toMatchObject({ url: server.url, started: false });
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });

  it('starts a redis-server when nothing answers, and its stop ends it', async () => {
    const deadUrl = `redis://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    const redis = await ensureRedis({ url: deadUrl, log: (line) => lines.push(line) });
    cleanups.push(() => redis.stop());
    expect(redis.started).toBe(true);
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect((await pingRedis(redis.url)).ok).toBe(true);
    expect(lines[0]).toContain(`no Redis answers at ${deadUrl} (connect ECONNREFUSED`);
    expect(lines[1]).toContain(`started redis-server (pid `);

    await redis.stop();
    expect((await pingRedis(redis.url)).ok).toBe(false);
  });

  it('says what to install when nothing answers and redis-server is missing', async () => {
    const deadUrl = `redis://127.0.0.1:${await freePort()}`;
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await ensureRedis({ url: deadUrl }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: REDIS_NOT_INSTALLED });
      expect((err as Error).message).toContain(
        `No Redis answers at ${deadUrl}, and redis-server was not found`,
      );
      expect((err as Error).message).toMatch(/apt-get install redis-server.*brew install redis.*REDIS_URL/);
    } finally {
      process.env.PATH = path;
    }
  });
});
