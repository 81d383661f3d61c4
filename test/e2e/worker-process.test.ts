import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startS3 } from '@reelay/devstack';
import { createProducer } from '@reelay/producer';
import { createSimulator } from 'simulator';
import { describe, expect, it } from 'vitest';
import { deletePrefix } from '../support/cleanup.ts';
import { simpleRequest } from '../support/requests.ts';
import { REDIS_URL } from '../support/stack.ts';

const CLI = fileURLToPath(new URL('../../apps/cli/src/main.ts', import.meta.url));

function run(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [CLI, 'worker'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  return { child, output: () => output };
}

function workerEnv(prefix: string, simUrl: string, s3Endpoint: string): Record<string, string> {
  return {
    REDIS_URL,
    REELAY_QUEUE_PREFIX: prefix,
    VTRIX_BASE_URL: simUrl,
    VTRIX_API_KEY: 'k',
    UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'true',
    S3_BUCKET: 'b',
    S3_ENDPOINT: s3Endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    WEBHOOK_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
  };
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the worker process', () => {
  it('refuses to start on a bad configuration, naming every wrong variable', async () => {
    const { child, output } = run({
      REDIS_URL: 'http://nope',
      MAX_IN_FLIGHT: '-1',
      WEBHOOK_SIGNING_SECRET: 'not-a-secret',
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('REDIS_URL: must start with redis:// or rediss://');
    expect(output()).toContain('MAX_IN_FLIGHT: must be at least 0');
    const second = run({ VTRIX_BASE_URL: 'https://cloud.vtrix.ai', WEBHOOK_SIGNING_SECRET: 'whsec_short' });
    const [code2] = await once(second.child, 'exit');
    expect(code2).toBe(1);
    for (const v of ['S3_BUCKET', 'VTRIX_API_KEY', 'WEBHOOK_SIGNING_SECRET'])
      expect(second.output()).toContain(`${v}:`);
    expect(second.output()).not.toContain('whsec_short');
  });

  it('when shutdown runs out of time, puts an in-flight poll back as delayed and exits 0 at once', async () => {
    const prefix = `proc-${randomUUID().slice(0, 8)}`;
    const sim = await createSimulator({ apiKey: 'k', taskDurationMs: 60_000 });
    const s3 = await startS3({ buckets: ['b'] });
    const producer = createProducer({ redisUrl: REDIS_URL, prefix });
    try {
      const { child, output } = run({
        ...workerEnv(prefix, sim.url, s3.endpoint),
        SHUTDOWN_TIMEOUT_MS: '300',
        POLL_INITIAL_DELAY_MS: '20',
        POLL_MAX_DELAY_MS: '20',
      });
      await until(() => output().includes('worker started'), 'the worker to start');
      const { id } = await producer.enqueue(simpleRequest());
      await until(async () => (await producer.getStatus(id))?.state === 'running', 'the task to run');
      // From now on every upstream reply takes 5 s: wait until a poll is in flight.
      sim.configure({ latencyMs: 5_000 });
      const polls = sim.stats().polls;
      await until(() => sim.stats().polls > polls, 'a poll to be in flight');
      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      // It did not wait for the 5 s reply.
      expect(Date.now() - signalledAt).toBeLessThan(4_000);
      expect(output()).toContain('interrupting them and putting them back as delayed');
      const n = (await producer.ops.store.get(id))!.pollN;
      const job = await producer.ops.queues.poll.getJob(`${id}.poll.${n}`);
      expect(await job?.getState()).toBe('delayed');
      expect(job?.attemptsMade).toBe(0);
      expect((await producer.getStatus(id))?.state).toBe('running');
    } finally {
      await producer.close();
      await Promise.all([sim.close(), s3.stop(), deletePrefix(REDIS_URL, prefix)]);
    }
  });

  it('on SIGTERM lets the in-flight create finish, records its task, and exits 0', async () => {
    const prefix = `proc-${randomUUID().slice(0, 8)}`;
    const sim = await createSimulator({ apiKey: 'k', taskDurationMs: 60_000, latencyMs: 1_500 });
    const s3 = await startS3({ buckets: ['b'] });
    const producer = createProducer({ redisUrl: REDIS_URL, prefix });
    try {
      const { child, output } = run({
        ...workerEnv(prefix, sim.url, s3.endpoint),
        SHUTDOWN_TIMEOUT_MS: '10000',
      });
      await until(() => output().includes('worker started'), 'the worker to start');
      const { id } = await producer.enqueue(simpleRequest());
      // The create has reached the upstream, whose reply is still 1.5 s away.
      await until(() => sim.stats().creates === 1, 'the create to arrive');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(output()).toContain('worker stopped');
      const status = await producer.getStatus(id);
      expect(status?.state).toBe('running');
      expect(status?.upstream.taskId).toBeDefined();
      expect(output()).not.toContain('forcing shutdown');
    } finally {
      await producer.close();
      await Promise.all([sim.close(), s3.stop(), deletePrefix(REDIS_URL, prefix)]);
    }
  });
});
