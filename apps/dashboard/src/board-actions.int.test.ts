import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { STAGES } from '@reelay/contracts';
import { createRedis } from '@reelay/core';
import { type Job, type Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OK, REDIS_URL, useDashboard } from './test-dashboard.ts';

/**
 * bull-board's actions over real HTTP against real Redis: what could forge or drop a generation's
 * step answers 403 and leaves every stage queue as it was; retry, promote and removing a failed
 * job still work.
 */
const f = useDashboard();
const connection = createRedis(REDIS_URL, 'worker');
const workers = new Map<string, Worker>();
let base: string;

beforeAll(async () => {
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all([...workers.values()].map((w) => w.close()));
  await connection.quit();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? OK : { ...OK, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

const queue = (stage: (typeof STAGES)[number]): Queue => f.producer.ops.queues[stage];
const jobPath = (stage: string, jobId: string) => `/api/queues/${stage}/${encodeURIComponent(jobId)}`;

/** Every job of every stage queue, with its state and data, and whether the queue is paused. */
async function everything() {
  const result: Record<string, unknown> = {};
  for (const stage of STAGES) {
    const q = queue(stage);
    const jobs = await q.getJobs();
    const described = await Promise.all(
      jobs.map(async (j: Job) => ({ id: j.id, name: j.name, data: j.data, state: await j.getState() })),
    );
    result[stage] = {
      counts: await q.getJobCounts(),
      paused: await q.isPaused(),
      jobs: described.sort((a, b) => String(a.id).localeCompare(String(b.id))),
    };
  }
  return result;
}

/**
 * Adds a job and takes it as a worker would, leaving it active, failed or completed. A worker
 * without a processor fetches by hand, so nothing else runs; the queue must hold no other
 * waiting job.
 */
async function jobThatIs(
  stage: (typeof STAGES)[number],
  jobId: string,
  data: Record<string, unknown>,
  end: 'active' | 'failed' | 'completed',
): Promise<void> {
  const q = queue(stage);
  let worker = workers.get(stage);
  if (!worker) {
    worker = new Worker(q.name, undefined, {
      connection: connection.duplicate(),
      prefix: f.prefix,
      autorun: false,
    });
    workers.set(stage, worker);
  }
  await q.add(stage, data, { jobId, attempts: 1 });
  const token = randomUUID();
  const job = await worker.getNextJob(token, { block: false });
  expect(job?.id).toBe(jobId);
  if (!job) return;
  if (end === 'failed') await job.moveToFailed(new Error('upstream answered 500'), token);
  if (end === 'completed') await job.moveToCompleted({ ok: true }, token, false);
  expect(await q.getJobState(jobId)).toBe(end);
}

describe('refused board actions', () => {
  let id: string;

  beforeAll(async () => {
    // A running generation's jobs, as the stages leave them: its submit job waits, its first poll
    // is delayed, its sink job is active; another generation's sink job has completed. No notify
    // job exists. (Added straight to the queues: what the board sees is the jobs.)
    id = `gen_${randomUUID().replaceAll('-', '')}`;
    await queue('submit').add('submit', { generationId: id }, { jobId: `${id}.submit` });
    await queue('poll').add('poll', { generationId: id, n: 1 }, { jobId: `${id}.poll.1`, delay: 600_000 });
    await jobThatIs('sink', 'gen_done.sink', { generationId: 'gen_done' }, 'completed');
    await jobThatIs('sink', `${id}.sink`, { generationId: id }, 'active');
  });

  it('POST /api/queues/notify/add forging a webhook: 403, and the notify queue holds no job', async () => {
    const before = await everything();
    for (const body of [
      { generationId: id, event: 'generation.succeeded' },
      {
        name: 'notify',
        data: { generationId: id, event: 'generation.succeeded' },
        options: { jobId: `${id}.notify.succeeded` },
      },
    ]) {
      const res = await call('POST', '/api/queues/notify/add', body);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.text).message).toContain('adding a job bypasses the producer');
    }
    expect(await queue('notify').getJobs()).toEqual([]);
    expect(
      await queue('notify').getJobCountByTypes('waiting', 'delayed', 'active', 'completed', 'failed'),
    ).toBe(0);
    expect(await everything()).toEqual(before);
  });

  type Refused = { method: string; path: string; body?: unknown; reason: string };
  // Functions of the running generation's id, which exists only once beforeAll has run.
  const REFUSED: Record<string, (id: string) => Refused> = {
    'empty a queue': () => ({
      method: 'PUT',
      path: '/api/queues/submit/empty',
      reason: 'emptying a stage queue',
    }),
    'obliterate a queue': () => ({
      method: 'PUT',
      path: '/api/queues/poll/obliterate',
      body: { force: true },
      reason: 'obliterating a stage queue',
    }),
    'obliterate a queue with an active job': () => ({
      method: 'PUT',
      path: '/api/queues/sink/obliterate',
      body: { force: true },
      reason: 'obliterating a stage queue',
    }),
    'edit the data of a waiting job': (id) => ({
      method: 'PATCH',
      path: `${jobPath('submit', `${id}.submit`)}/update-data`,
      body: { jobData: { generationId: 'gen_someone_else' } },
      reason: "editing a job's data",
    }),
    'edit the data of a delayed job': (id) => ({
      method: 'PATCH',
      path: `${jobPath('poll', `${id}.poll.1`)}/update-data`,
      body: { jobData: { generationId: id, n: 99 } },
      reason: "editing a job's data",
    }),
    'remove a waiting job': (id) => ({
      method: 'PUT',
      path: `${jobPath('submit', `${id}.submit`)}/clean`,
      reason: 'only a failed job can be removed',
    }),
    'remove a delayed job': (id) => ({
      method: 'PUT',
      path: `${jobPath('poll', `${id}.poll.1`)}/clean`,
      reason: '(this job is delayed)',
    }),
    'remove an active job': (id) => ({
      method: 'PUT',
      path: `${jobPath('sink', `${id}.sink`)}/clean`,
      reason: '(this job is active)',
    }),
    'remove a completed job': () => ({
      method: 'PUT',
      path: `${jobPath('sink', 'gen_done.sink')}/clean`,
      reason: '(this job is completed)',
    }),
    'clean waiting jobs': () => ({
      method: 'PUT',
      path: '/api/queues/submit/clean/wait',
      reason: 'only failed and completed jobs can be cleaned',
    }),
    'clean delayed jobs': () => ({
      method: 'PUT',
      path: '/api/queues/poll/clean/delayed',
      reason: 'only failed and completed jobs can be cleaned',
    }),
    'clean active jobs': () => ({
      method: 'PUT',
      path: '/api/queues/sink/clean/active',
      reason: 'only failed and completed jobs can be cleaned',
    }),
    'retry a completed job': () => ({
      method: 'PUT',
      path: `${jobPath('sink', 'gen_done.sink')}/retry`,
      reason: 'only a failed job can be retried',
    }),
    'retry all completed jobs': () => ({
      method: 'PUT',
      path: '/api/queues/sink/retry/completed',
      reason: 'only failed jobs can be retried',
    }),
    'reschedule a delayed job': (id) => ({
      method: 'PATCH',
      path: `${jobPath('poll', `${id}.poll.1`)}/delay`,
      body: { runAt: Date.now() + 1_000 },
      reason: 'the stages schedule their own delayed jobs',
    }),
    'set the concurrency': () => ({
      method: 'PUT',
      path: '/api/queues/submit/concurrency',
      body: { concurrency: 1 },
      reason: "the workers' configuration",
    }),
  };

  it.each(Object.keys(REFUSED))('%s: 403 with the reason, and nothing changes', async (what) => {
    const { method, path, body, reason } = (REFUSED[what] as (id: string) => Refused)(id);
    const before = await everything();
    const res = await call(method, path, body);
    expect(res.status).toBe(403);
    const answer = JSON.parse(res.text);
    expect(answer.error).toEqual({ key: 'ERRORS.FORBIDDEN' });
    expect(answer.message).toContain(reason);
    expect(await everything()).toEqual(before);
  });

  it('refuses under a base path too', async () => {
    const ops = f.dashboard({ kind: 'trusted-proxy' }, '/ops');
    try {
      const before = await everything();
      const res = await ops.inject({
        method: 'POST',
        url: '/ops/api/queues/notify/add',
        payload: { name: 'notify', data: { generationId: id, event: 'generation.succeeded' } },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toContain('adding a job bypasses the producer');
      expect(await everything()).toEqual(before);
    } finally {
      await ops.close();
    }
  });

  it('the generation is still where it was', async () => {
    expect(await queue('submit').getJobState(`${id}.submit`)).toBe('waiting');
    expect(await queue('poll').getJobState(`${id}.poll.1`)).toBe('delayed');
    expect(await queue('sink').getJobState(`${id}.sink`)).toBe('active');
    expect((await queue('submit').getJob(`${id}.submit`))?.data).toEqual({ generationId: id });
    expect((await queue('poll').getJob(`${id}.poll.1`))?.data).toEqual({ generationId: id, n: 1 });
  });
});

describe('allowed board actions', () => {
  it('retries a failed job', async () => {
    await jobThatIs('sink', 'gen_retry.sink', { generationId: 'gen_retry' }, 'failed');
    const res = await call('PUT', `${jobPath('sink', 'gen_retry.sink')}/retry`);
    expect(res.status).toBe(204);
    expect(await queue('sink').getJobState('gen_retry.sink')).toBe('waiting');
    await queue('sink').remove('gen_retry.sink');
  });

  it('promotes a delayed job', async () => {
    await queue('poll').add(
      'poll',
      { generationId: 'gen_promote', n: 1 },
      { jobId: 'gen_promote.poll.1', delay: 600_000 },
    );
    const res = await call('PUT', `${jobPath('poll', 'gen_promote.poll.1')}/promote`);
    expect(res.status).toBe(204);
    expect(await queue('poll').getJobState('gen_promote.poll.1')).toBe('waiting');
    await queue('poll').remove('gen_promote.poll.1');
  });

  it('removes a failed job', async () => {
    await jobThatIs('sink', 'gen_remove.sink', { generationId: 'gen_remove' }, 'failed');
    const res = await call('PUT', `${jobPath('sink', 'gen_remove.sink')}/clean`);
    expect(res.status).toBe(204);
    expect(await queue('sink').getJob('gen_remove.sink')).toBeUndefined();
  });

  it('retries all failed jobs, cleans failed ones, pauses and resumes a queue', async () => {
    const notify = queue('notify');
    await jobThatIs(
      'notify',
      'gen_all.notify.failed',
      { generationId: 'gen_all', event: 'generation.failed' },
      'failed',
    );
    const retried = await call('PUT', '/api/queues/notify/retry/failed');
    expect(retried.status).toBe(200);
    expect(JSON.parse(retried.text)).toEqual({ retried: 1, skipped: 0 });
    expect(await notify.getJobState('gen_all.notify.failed')).toBe('waiting');
    await notify.remove('gen_all.notify.failed');

    // BullMQ's clean keeps jobs younger than bull-board's 5 s grace: the answer is what is checked.
    expect((await call('PUT', '/api/queues/notify/clean/failed')).status).toBe(200);
    expect((await call('PUT', '/api/queues/notify/clean/completed')).status).toBe(200);

    expect((await call('PUT', '/api/queues/notify/pause')).status).toBe(200);
    expect(await notify.isPaused()).toBe(true);
    expect((await call('PUT', '/api/queues/notify/resume')).status).toBe(200);
    expect(await notify.isPaused()).toBe(false);
  });
});
