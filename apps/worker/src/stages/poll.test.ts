import type { PollJob } from '@reelay/contracts';
import { VtrixError, type VtrixTask } from '@reelay/vtrix';
import { RateLimitError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { recordOf } from '../test-records.ts';
import { type FakeOptions, fakeJob, fakeStageDeps } from '../test-stage-deps.ts';
import { processPoll } from './poll.ts';

// Submitted at 10 s; the fake clock says 20 s: the test schedule puts the next poll 2 s out.
const running = recordOf({
  state: 'running',
  pollN: 2,
  upstream: { taskId: 't1', submittedAt: 10_000, submitIntents: 1 },
});
const id = running.id;
const task = (over: Partial<VtrixTask> = {}): VtrixTask => ({
  id: 't1',
  status: 'running',
  upstreamStatus: 'in_progress',
  ...over,
});

function run(
  opts: FakeOptions,
  n = 2,
  job: { attemptsMade?: number; attempts?: number } = {},
  signal?: AbortSignal,
) {
  const fake = fakeStageDeps({ record: running, ...opts });
  const { job: j } = fakeJob<PollJob>({ generationId: id, n }, { id: `${id}.poll.${n}`, ...job });
  return { fake, job: j, result: processPoll(j, fake.deps, undefined, signal) };
}

describe('processPoll: the gate', () => {
  it('skips a stale poll: no read of the task, only the terminal event ensured', async () => {
    const { fake, result } = run({}, 5);
    await expect(result).resolves.toBe('stale poll 5 (current 2)');
    expect(fake.verbs()).toEqual(['resume', 'ensureTerminalEvent']);
    expect(fake.getTasks).toEqual([]);
  });

  it('skips a generation that is no longer running', async () => {
    const succeeded = { ...running, state: 'succeeded' as const };
    const { fake, result } = run({ record: succeeded });
    await expect(result).resolves.toBe('generation is succeeded');
    expect(fake.argsOf('ensureTerminalEvent')).toEqual([[succeeded]]);
    expect(fake.getTasks).toEqual([]);
  });

  it('the completing poll, re-run after a crash, hands off to the sink again (repair)', async () => {
    const { fake, result } = run({ record: { ...running, state: 'copying' } }, 2);
    await expect(result).resolves.toBe('completed; repaired');
    expect(fake.verbs()).toEqual(['resume', 'repair']);
    expect(fake.argsOf('repair')).toEqual([[id, 'completed']]);
    expect(fake.getTasks).toEqual([]);
  });

  it('a poll already counted (crash before its next job was added) re-adds the next poll (repair)', async () => {
    const { fake, result } = run({}, 1);
    await expect(result).resolves.toBe('poll 1 already counted; repaired');
    expect(fake.argsOf('repair')).toEqual([[id, 'poll 1 already counted']]);
    expect(fake.getTasks).toEqual([]);
    expect(fake.argsOf('polled')).toEqual([]);
  });

  it('a missing record does nothing', async () => {
    const { fake, result } = run({ record: undefined });
    await expect(result).resolves.toBe('no such generation');
    expect(fake.calls).toEqual([]);
  });

  it('calls resume with (record, poll, job) and polls the record it returns', async () => {
    // Failed at its poll deadline; the operator's retry resumes it with a fresh deadline.
    const failed = recordOf({
      ...running,
      state: 'failed',
      error: { stage: 'poll', code: 'REELAY_POLL_DEADLINE', message: 'x', resumable: true },
      failedBy: { jobId: `${id}.poll.2`, attemptsMade: 0 },
    });
    const resumed = { ...running, deadlineAt: 200_000 };
    const { fake, job, result } = run({ record: failed, resumed, tasks: [task()], now: 150_000 }, 2, {
      attemptsMade: 1,
    });
    await expect(result).resolves.toBe('still running; poll 3 in 8000 ms');
    expect(fake.calls[0]).toEqual({ verb: 'resume', args: [failed, 'poll', job] });
    // Past the original deadline (10 s + 60 s), within the fresh one: polled, not failed.
    expect(fake.argsOf('polled')[0]![0]).toBe(resumed);
    expect(fake.argsOf('fail')).toEqual([]);
  });
});

describe('processPoll: reading the task', () => {
  it('a task still running moves the counter: polled(record, n, {delayMs, upstreamStatus, progress})', async () => {
    const { fake, result } = run({ tasks: [task({ progress: 0.4 })] });
    await expect(result).resolves.toBe('still running; poll 3 in 2000 ms');
    expect(fake.getTasks).toEqual([{ taskId: 't1', opts: {} }]);
    expect(fake.verbs()).toEqual(['resume', 'polled']);
    expect(fake.argsOf('polled')).toEqual([
      [running, 2, { kind: 'again', delayMs: 2_000, upstreamStatus: 'in_progress', progress: 0.4 }],
    ]);
  });

  it('passes the shutdown signal to the task read', async () => {
    const signal = new AbortController().signal;
    const { fake, result } = run({ tasks: [task()] }, 2, {}, signal);
    await result;
    expect(fake.getTasks[0]!.opts).toEqual({ signal });
  });

  it('a refused polled (superseded) returns what the repair did', async () => {
    const { result } = run({
      tasks: [task()],
      lifecycle: {
        polled: { ok: false, reason: 'guard', current: 'running', repaired: 'poll superseded; x' },
      },
    });
    await expect(result).resolves.toBe('poll superseded; x');
  });

  it('a completed task goes to the sink: taskDone with the video URL', async () => {
    const done = task({ status: 'completed', upstreamStatus: 'success', video: { url: 'https://v/x.mp4' } });
    const { fake, result } = run({ tasks: [done] });
    await expect(result).resolves.toBe('completed; copying');
    expect(fake.verbs()).toEqual(['resume', 'taskDone']);
    expect(fake.argsOf('taskDone')).toEqual([
      [running, 2, { videoUrl: 'https://v/x.mp4', upstreamStatus: 'success' }],
    ]);
  });

  it('a refused taskDone (completion already handled) returns what the repair did', async () => {
    const done = task({ status: 'completed', upstreamStatus: 'success', video: { url: 'https://v/x.mp4' } });
    const { result } = run({
      tasks: [done],
      lifecycle: {
        taskDone: {
          ok: false,
          reason: 'state',
          current: 'copying',
          repaired: 'completion already handled; sink ensured',
        },
      },
    });
    await expect(result).resolves.toBe('completion already handled; sink ensured');
  });

  it('a failed task fails the generation with REELAY_UPSTREAM_TASK_FAILED and its upstream code, not resumable', async () => {
    const failedTask = task({
      status: 'failed',
      upstreamStatus: 'failed',
      error: { code: 'DataInspectionFailed', message: 'inappropriate content' },
    });
    const { fake, result } = run({ tasks: [failedTask] }, 2, { attemptsMade: 0, attempts: 5 });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.verbs()).toEqual(['resume', 'fail']);
    expect(fake.argsOf('fail')[0]!.slice(1)).toEqual([
      {
        stage: 'poll',
        code: 'REELAY_UPSTREAM_TASK_FAILED',
        message: 'upstream task failed: DataInspectionFailed: inappropriate content',
        resumable: false,
        upstreamCode: 'DataInspectionFailed',
      },
      { jobId: `${id}.poll.2`, attemptsMade: 0 },
    ]);
  });

  it('a transient read error counts as still running: polled without a status, no failure, even on the last attempt', async () => {
    const { fake, result } = run({ tasks: [new VtrixError('REELAY_UPSTREAM_TIMEOUT')] }, 2, {
      attemptsMade: 2,
      attempts: 3,
    });
    await expect(result).resolves.toBe('still running; poll 3 in 2000 ms');
    expect(fake.argsOf('polled')).toEqual([[running, 2, { kind: 'again', delayMs: 2_000 }]]);
    expect(fake.argsOf('fail')).toEqual([]);
  });

  it('a 429 on the read pauses the poll queue and spends no attempt', async () => {
    const { fake, result } = run(
      { tasks: [new VtrixError('REELAY_UPSTREAM_RATE_LIMITED', { httpStatus: 429, retryAfterMs: 30_000 })] },
      2,
      { attemptsMade: 2, attempts: 3 },
    );
    await expect(result).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.rateLimits).toEqual({ submit: [], poll: [30_000], sink: [], notify: [] });
    expect(fake.verbs()).toEqual(['resume']);
  });

  it('a final read error (task not found) fails the generation, not resumable', async () => {
    const { fake, result } = run({
      tasks: [new VtrixError('REELAY_UPSTREAM_TASK_NOT_FOUND', { httpStatus: 404 })],
    });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({
      stage: 'poll',
      code: 'REELAY_UPSTREAM_TASK_NOT_FOUND',
      resumable: false,
    });
  });

  it('a refused API key fails the generation resumably (an operator fixes it, then retries)', async () => {
    const { fake, result } = run({
      tasks: [new VtrixError('REELAY_UPSTREAM_UNAUTHORIZED', { httpStatus: 401 })],
    });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({
      code: 'REELAY_UPSTREAM_UNAUTHORIZED',
      resumable: true,
    });
  });

  it('a next poll that would land past the deadline fails with REELAY_POLL_DEADLINE, resumable', async () => {
    // 57 s after the submit: the next poll (6.7 s) would land past the 60 s deadline.
    const { fake, result } = run({ tasks: [task()], now: 67_000 });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.argsOf('polled')).toEqual([]);
    expect(fake.argsOf('fail')[0]![1]).toMatchObject({
      stage: 'poll',
      code: 'REELAY_POLL_DEADLINE',
      resumable: true,
      message: expect.stringMatching(/task t1 still in_progress after 1 min/),
    });
  });

  it('an unexpected error is rethrown for a retry, and fails resumably only on the last attempt', async () => {
    const e = new Error('boom');
    const early = run({ tasks: [e] }, 2, { attemptsMade: 0, attempts: 3 });
    await expect(early.result).rejects.toBe(e);
    expect(early.fake.argsOf('fail')).toEqual([]);

    const last = run({ tasks: [e] }, 2, { attemptsMade: 2, attempts: 3 });
    await expect(last.result).rejects.toBe(e);
    expect(last.fake.argsOf('fail')[0]![1]).toEqual({
      stage: 'poll',
      code: 'REELAY_STAGE_ERROR',
      message: 'boom',
      resumable: true,
    });
  });

  it('an error while shutting down is no failure, even on the last attempt', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = new Error('interrupted');
    const { fake, result } = run({ tasks: [e] }, 2, { attemptsMade: 2, attempts: 3 }, ac.signal);
    await expect(result).rejects.toBe(e);
    expect(fake.argsOf('fail')).toEqual([]);
  });
});
