import { randomUUID } from 'node:crypto';
import { createRedis } from '@reelay/core';
import { type Job, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import {
  basic,
  OK,
  PASSWORD,
  REDIS_URL,
  SECRETS,
  SIGNED,
  USER,
  until,
  useDashboard,
} from './test-dashboard.ts';

const f = useDashboard();

describe('authentication', () => {
  // Every kind of route, with what it answers once authenticated.
  const routes: Array<[string, number]> = [
    ['/', 200],
    ['/queue/sink', 200],
    ['/queue/sink/gen_x.sink', 200],
    ['/api/queues', 200],
    ['/api/queues/sink/gen_x.sink', 404],
    ['/static/favicon-32x32.png', 200],
    ['/find', 200],
    ['/find?q=x', 404],
    ['/find.json?q=x', 404],
    ['/tenants', 200],
    ['/tenants.json', 200],
    ['/no-such-page', 404],
  ];

  it.each(routes)(
    'GET %s: 401 with a Basic challenge without credentials or with wrong ones',
    async (url) => {
      for (const headers of [
        {},
        { authorization: basic(USER, 'wrong') },
        { authorization: basic('admin', PASSWORD) },
        { authorization: `Bearer ${PASSWORD}` },
      ]) {
        const res = await f.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Basic realm="reelay"');
        expect(res.body).toBe('authentication required\n');
      }
    },
  );

  it.each(routes)('GET %s: answers %d with the right credentials', async (url, status) => {
    const res = await f.app.inject({ method: 'GET', url, headers: OK });
    expect(res.statusCode).toBe(status);
  });

  it("guards bull-board's actions too: a retry without credentials is refused and changes nothing", async () => {
    await f.producer.ops.queues.sink.add('sink', { generationId: 'gen_guard' }, { jobId: 'gen_guard.sink' });
    const res = await f.app.inject({ method: 'PUT', url: '/api/queues/sink/gen_guard.sink/retry' });
    expect(res.statusCode).toBe(401);
    const pause = await f.app.inject({ method: 'PUT', url: '/api/queues/sink/pause' });
    expect(pause.statusCode).toBe(401);
    expect(await f.producer.ops.queues.sink.isPaused()).toBe(false);
    await f.producer.ops.queues.sink.remove('gen_guard.sink');
  });

  it('lets every request through when a trusted proxy authenticates', async () => {
    const proxied = f.dashboard({ kind: 'trusted-proxy' });
    try {
      const res = await proxied.inject({ method: 'GET', url: '/api/queues' });
      expect(res.statusCode).toBe(200);
      expect(
        res
          .json()
          .queues.map((q: { name: string }) => q.name)
          .sort(),
      ).toEqual(['notify', 'poll', 'sink', 'submit']);
    } finally {
      await proxied.close();
    }
  });
});

describe('the board', () => {
  it('shows the four stage queues with retries of failed jobs only and links to the find, tenants and batches pages', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/api/queues', headers: OK });
    const queues = res.json().queues as Array<{
      name: string;
      allowRetries: boolean;
      allowCompletedRetries: boolean;
      readOnlyMode: boolean;
    }>;
    expect(
      queues.map((q) => [q.name, q.allowRetries, q.allowCompletedRetries, q.readOnlyMode]).sort(),
    ).toEqual([
      ['notify', true, false, false],
      ['poll', true, false, false],
      ['sink', true, false, false],
      ['submit', true, false, false],
    ]);
    const page = await f.app.inject({ method: 'GET', url: '/', headers: OK });
    expect(page.body).toContain(
      '"miscLinks":[{"text":"Find a generation","url":"/find"},{"text":"Tenants","url":"/tenants"},{"text":"Batches","url":"/batches"},{"text":"Upstream","url":"/upstream"}]',
    );
  });

  it('redacts signed URLs and secrets in failed reasons, stack traces, data, return values and logs', async () => {
    const { sink, notify } = f.producer.ops.queues;
    const connection = createRedis(REDIS_URL, 'worker');
    const failId = `gen_${randomUUID().slice(0, 8)}.sink`;
    const doneId = `gen_${randomUUID().slice(0, 8)}.notify.succeeded`;
    const failing = new Worker(
      sink.name,
      async (job: Job) => {
        await job.log(`copying from ${SIGNED}`);
        throw new Error(`GET ${SIGNED} answered 403`);
      },
      { connection, prefix: f.prefix },
    );
    const succeeding = new Worker(notify.name, async () => ({ delivered: SIGNED, apiKey: 'APIKEYX' }), {
      connection: connection.duplicate(),
      prefix: f.prefix,
    });
    try {
      await sink.add(
        'sink',
        { generationId: 'gen_x', source: SIGNED, apiKey: 'APIKEYX' },
        { jobId: failId, attempts: 1 },
      );
      await notify.add('notify', { generationId: 'gen_x' }, { jobId: doneId, attempts: 1 });
      await until(async () => (await sink.getJobState(failId)) === 'failed', 'the failed job');
      await until(async () => (await notify.getJobState(doneId)) === 'completed', 'the completed job');

      // The raw job does hold the secrets, so finding none below means they were redacted.
      const raw = await sink.getJob(failId);
      expect(raw?.failedReason).toContain('SIGAMZ');
      expect(raw?.stacktrace?.join('\n')).toContain('SIGAMZ');

      const responses = await Promise.all(
        [
          '/api/queues?activeQueue=sink&status=failed&page=1&jobsPerPage=10',
          '/api/queues?activeQueue=sink&status=latest',
          `/api/queues/sink/${encodeURIComponent(failId)}`,
          `/api/queues/sink/${encodeURIComponent(failId)}/logs`,
          '/api/queues?activeQueue=notify&status=completed',
          `/api/queues/notify/${encodeURIComponent(doneId)}`,
        ].map((url) => f.app.inject({ method: 'GET', url, headers: OK })),
      );
      for (const res of responses) {
        expect(res.statusCode).toBe(200);
        for (const secret of SECRETS) expect(res.body).not.toContain(secret);
      }
      const [list, , one, logs, , done] = responses.map((r) => r.json());
      const listed = list.queues.find((q: { name: string }) => q.name === 'sink').jobs[0];
      expect(listed.id).toBe(failId);
      expect(listed.failedReason).toContain('X-Amz-Signature=[redacted]&sig=[redacted]');
      expect(listed.failedReason).toContain('answered 403');
      expect(listed.data.source).toContain('https://cdn.example.com/v.mp4?');
      expect(one.job.stacktrace.join('\n')).toContain('X-Amz-Signature=[redacted]');
      expect(JSON.stringify(logs)).toContain('copying from https://cdn.example.com/v.mp4?');
      expect(done.job.returnValue).toEqual({
        delivered: expect.stringContaining('sig=[redacted]'),
        apiKey: '[redacted]',
      });
    } finally {
      await Promise.all([failing.close(), succeeding.close()]);
      await connection.quit();
    }
  });
});
