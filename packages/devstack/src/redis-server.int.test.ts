import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';
import { pingRedis } from './redis-probe.ts';
import { REDIS_NOT_INSTALLED, type RedisServerProcess, startRedisServer } from './redis-server.ts';

/** Runs `fn` against the Redis at `url` with a client that is always closed. */
async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startRedisServer', () => {
  const started: RedisServerProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const start = async (...args: Parameters<typeof startRedisServer>) => {
    const server = await startRedisServer(...args);
    started.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop('SIGKILL')));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('runs a throwaway, non-evicting, non-persisting redis-server on loopback and stop removes it all', async () => {
    const server = await start();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const pid = server.pid!;
    expect(isAlive(pid)).toBe(true);
    const config = await withRedis(server.url, async (redis) => ({
      policy: await redis.config('GET', 'maxmemory-policy'),
      aof: await redis.config('GET', 'appendonly'),
      save: await redis.config('GET', 'save'),
      bind: await redis.config('GET', 'bind'),
    }));
    expect(config).toEqual({
      policy: ['maxmemory-policy', 'noeviction'],
      aof: ['appendonly', 'no'],
      save: ['save', ''],
      bind: ['bind', '127.0.0.1'],
    });

    await server.stop();
    expect(isAlive(pid)).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(existsSync(server.dir)).toBe(false);
    expect((await pingRedis(server.url)).ok).toBe(false);
  });

  it('keeps a key across restart() with appendonly, on the same port and dir', async () => {
    const server = await start({ appendonly: true });
    const firstPid = server.pid;
    await withRedis(server.url, async (redis) => {
      expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      await redis.set('devstack:kept', 'yes');
    });

    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(isAlive(firstPid!)).toBe(false);
    expect(await withRedis(server.url, (redis) => redis.get('devstack:kept'))).toBe('yes');
    expect(existsSync(server.dir)).toBe(true);
  });

  it('loses keys across restart() without appendonly', async () => {
    const server = await start();
    await withRedis(server.url, (redis) => redis.set('devstack:gone', 'yes'));
    await server.restart('SIGKILL');
    expect(await withRedis(server.url, (redis) => redis.get('devstack:gone'))).toBeNull();
  });

  it('kill() takes Redis away until start() brings it back on the same URL', async () => {
    const server = await start({ appendonly: true });
    await withRedis(server.url, (redis) => redis.set('devstack:k', 'v'));
    await server.kill();
    expect(server.pid).toBeUndefined();
    const down = await pingRedis(server.url);
    expect(down.ok).toBe(false);
    expect(down.ok ? '' : down.error).toMatch(/ECONNREFUSED/);
    expect(existsSync(server.dir)).toBe(true);

    await server.start();
    expect(await withRedis(server.url, (redis) => redis.get('devstack:k'))).toBe('v');
  });

  it('uses a caller-given port and dir, and leaves the dir in place on stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devstack-redis-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const server = await start({ dir, port });
    expect(server.port).toBe(port);
    expect(await withRedis(server.url, (redis) => redis.config('GET', 'dir'))).toEqual(['dir', dir]);
    await server.stop();
    expect(existsSync(dir)).toBe(true);
  });

  it('fails, instead of mistaking the other server for its own, when the port is taken', async () => {
    const first = await start();
    await expect(startRedisServer({ port: first.port })).rejects.toThrow(/exited during start-up/);
    expect((await pingRedis(first.url)).ok).toBe(true);
  });

  it('says what to install when redis-server is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await startRedisServer().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: REDIS_NOT_INSTALLED });
      expect((err as Error).message).toMatch(/apt-get install redis-server.*brew install redis.*REDIS_URL/);
    } finally {
      process.env.PATH = path;
    }
  });
});
