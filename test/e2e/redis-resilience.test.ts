import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { type RedisServerProcess, startRedisServer } from '@reelay/devstack';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

const CLI = fileURLToPath(new URL('../../apps/cli/src/main.ts', import.meta.url));
let server: RedisServerProcess | undefined;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close().catch(() => {});
  await server?.stop();
  stack = undefined;
  server = undefined;
});

async function workerExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  let output = '';
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let signalled = false;
  child.stdout.on('data', (d) => {
    output += d;
    // Started: stop it again (once: a second SIGTERM forces an immediate exit).
    if (!signalled && output.includes('worker started')) {
      signalled = true;
      child.kill('SIGTERM');
    }
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const [code] = await once(child, 'exit');
  return { code, output };
}

describe('Redis hygiene and restarts', () => {
  it('refuses a Redis that may evict keys, unless told to run anyway; warns when nothing persists', async () => {
    server = await startRedisServer();
    const admin = new Redis(server.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.quit();
    const env = {
      REDIS_URL: server.url,
      VTRIX_BASE_URL: 'http://127.0.0.1:9',
      S3_BUCKET: 'b',
      METRICS_PORT: '0',
    };
    const refused = await workerExit(env);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('maxmemory-policy is allkeys-lru');
    const allowed = await workerExit({ ...env, REDIS_ALLOW_EVICTION: 'true' });
    expect(allowed.code, allowed.output).toBe(0);
    expect(allowed.output).toContain('worker started');
    expect(allowed.output).toContain('Redis persistence is off');
  });

  it('keeps consuming after Redis restarts from its AOF', async () => {
    server = await startRedisServer({ appendonly: true });
    stack = await startStack({ redisUrl: server.url });
    const before = await stack.producer.enqueue(simpleRequest('before'));
    expect((await stack.waitForState(before.id, 'succeeded')).state).toBe('succeeded');
    await server.restart('SIGTERM');
    // The producer and the worker reconnect on their own; new work flows through.
    const after = await stack.producer.enqueue(simpleRequest('after'));
    expect((await stack.waitForState(after.id, 'succeeded', 30_000)).state).toBe('succeeded');
    expect((await stack.producer.getStatus(before.id))?.state).toBe('succeeded');
  }, 60_000);
});
