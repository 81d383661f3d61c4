import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { deletePrefix } from '@reelay/devstack';
import { createProducer, type Producer } from '@reelay/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLI = fileURLToPath(new URL('../main.ts', import.meta.url));
const prefix = `cli-upstream-${randomUUID().slice(0, 8)}`;
let producer: Producer;

async function reelay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'upstream', ...args], {
    env: { PATH: process.env.PATH ?? '', REDIS_URL, REELAY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout, stderr };
}

beforeAll(() => {
  producer = createProducer({ redisUrl: REDIS_URL, prefix });
});
afterAll(async () => {
  await producer?.close();
  await deletePrefix(REDIS_URL, prefix);
});

describe('reelay upstream, against Redis', () => {
  it('pauses with a reason, shows it, and resumes', async () => {
    expect((await reelay('status')).stdout).toBe('not paused: workers create upstream tasks\n');
    expect((await reelay('pause', '--reason', 'card expired')).code).toBe(0);
    expect(await producer.ops.upstream.get()).toMatchObject({ by: 'operator', reason: 'card expired' });
    const status = await reelay('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ by: 'operator', code: 'REELAY_UPSTREAM_PAUSED' });
    expect((await reelay('resume')).stdout).toBe('upstream resumed: workers create tasks again\n');
    expect(await producer.ops.upstream.get()).toBeUndefined();
  });

  it('a bad argument changes nothing and exits 2', async () => {
    const r = await reelay('pause', '--why', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pause: takes only --reason TEXT/);
    expect(await producer.ops.upstream.get()).toBeUndefined();
  });
});
