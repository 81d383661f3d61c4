import { once } from 'node:events';
import { closeQueues, createQueues, createRedis } from '@reelay/core';
import { type RedisServerProcess, startRedisServer } from '@reelay/devstack';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';

let server: RedisServerProcess | undefined;
let redis: Redis | undefined;
afterEach(async () => {
  redis?.disconnect();
  await server?.stop();
  redis = server = undefined;
});

describe('createRedis', () => {
  it('reports an outage once and its end once, however many reconnects fail in between', async () => {
    server = await startRedisServer();
    const lines: Array<{ level: string; msg: string }> = [];
    const log = {
      warn: (_: object, msg: string) => lines.push({ level: 'warn', msg }),
      info: (_: object, msg: string) => lines.push({ level: 'info', msg }),
    };
    redis = createRedis(server.url, 'worker', { retryStrategy: () => 50 }, log);
    await redis.ping();
    let errors = 0;
    redis.on('error', () => errors++);
    await server.kill('SIGKILL');
    // Several failed reconnects, not one: the point is that they do not each log.
    while (errors < 3) await once(redis, 'error');
    expect(lines).toEqual([{ level: 'warn', msg: 'Redis connection lost; reconnecting' }]);
    // Listen before restarting: with a 50 ms retry the client may be ready again before
    // start() returns (more likely on a loaded machine), and a 'ready' missed is a test hung.
    // Not events.once: it rejects on the 'error' that every failed reconnect emits meanwhile.
    const client = redis;
    const ready = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    await server.start();
    await ready;
    expect(await redis.ping()).toBe('PONG');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
  }, 20_000);

  it('keeps the stage queues on a connection quiet: BullMQ prints nothing to stderr during an outage', async () => {
    server = await startRedisServer();
    redis = createRedis(server.url, 'worker', { retryStrategy: () => 50 });
    const queues = createQueues(redis, 'quiet');
    await queues.poll.getJobCounts();
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      let errors = 0;
      redis.on('error', () => errors++);
      await server.kill('SIGKILL');
      while (errors < 3) await once(redis, 'error');
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
      await server.start();
      await closeQueues(queues);
    }
  }, 20_000);
});
