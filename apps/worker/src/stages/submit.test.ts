import type { SubmitJob } from '@reelay/contracts';
import { VtrixError } from '@reelay/vtrix';
import { DelayedError, RateLimitError, UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { recordOf } from '../test-records.ts';
import { type FakeOptions, fakeJob, fakeStageDeps, NOW } from '../test-stage-deps.ts';
import { processSubmit, SLOT_WAIT_MS } from './submit.ts';

const queued = recordOf();
const id = queued.id;
const created = (taskId: string) => ({ id: taskId, upstreamStatus: 'in_progress' });

function run(opts: FakeOptions, job: { attemptsMade?: number; attempts?: number } = {}, token?: string) {
  const fake = fakeStageDeps(opts);
  const { job: j, delayed } = fakeJob<SubmitJob>({ generationId: id }, { id: `${id}.submit`, ...job });
  return { fake, job: j, delayed, result: processSubmit(j, fake.deps, token) };
}

const uncertainCount = async (fake: ReturnType<typeof fakeStageDeps>) =>
  (await fake.deps.metrics.uncertainSubmits.get()).values[0]?.value ?? 0;

describe('processSubmit', () => {
  it('creates the task of a queued generation: startSubmit, then createTask, then taskCreated with its id', async () => {
    const { fake, result } = run({ record: queued, creates: [created('task_1')] });
    await expect(result).resolves.toBe('task task_1 created');
    // Submit needs the request: the record with its input, without the delivery-attempt log.
    expect(fake.storeReads).toEqual([{ method: 'get', id, opts: { attempts: false } }]);
    expect(fake.verbs()).toEqual(['resume', 'startSubmit', 'taskCreated']);
    expect(fake.argsOf('startSubmit')).toEqual([[queued, 4]]);
    expect(fake.creates).toEqual([{ params: queued.request, opts: { generationId: id } }]);
    expect(fake.argsOf('taskCreated')).toEqual([[queued, 'task_1']]);
    expect(await uncertainCount(fake)).toBe(0);
  });

  it('calls resume with (record, submit, job) before deciding, and decides on the record it returns', async () => {
    const failed = recordOf({
      state: 'failed',
      error: { stage: 'submit', code: 'REELAY_UPSTREAM_SERVER_ERROR', message: 'x', resumable: true },
      failedBy: { jobId: `${id}.submit`, attemptsMade: 3 },
    });
    const resumed = recordOf({ state: 'queued' });
    const { fake, job, result } = run(
      { record: failed, resumed, creates: [created('task_2')] },
      { attemptsMade: 4 },
    );
    await expect(result).resolves.toBe('task task_2 created');
    expect(fake.calls[0]).toEqual({ verb: 'resume', args: [failed, 'submit', job] });
    // The resumed record, not the stored failed one, is what startSubmit is given.
    expect(fake.argsOf('startSubmit')[0]![0]).toBe(resumed);
    expect(fake.argsOf('ensureTerminalEvent')).toEqual([]);
  });

  it('a failed generation that resume leaves failed is skipped: its event ensured, nothing created', async () => {
    const failed = recordOf({ state: 'failed' });
    const { fake, result } = run({ record: failed });
    await expect(result).resolves.toBe('generation is failed');
    expect(fake.verbs()).toEqual(['resume', 'ensureTerminalEvent']);
    expect(fake.creates).toEqual([]);
  });

  it('never creates a second task once an id is recorded: it repairs (resumes polling) instead', async () => {
    for (const state of ['running', 'submitting'] as const) {
      const record = recordOf({ state, pollN: 3, upstream: { taskId: 't1', submitIntents: 1 } });
      const { fake, result } = run({ record });
      await expect(result).resolves.toBe('task t1 exists; polling resumed; repaired');
      expect(fake.verbs()).toEqual(['resume', 'repair']);
      expect(fake.argsOf('repair')).toEqual([[id, 'polling resumed']]);
      expect(fake.creates).toEqual([]);
    }
  });

  it('a generation that moved on (terminal or copying) only gets its terminal event ensured', async () => {
    for (const state of ['succeeded', 'canceled', 'copying'] as const) {
      const record = recordOf({ state, upstream: { taskId: 't1', submitIntents: 1 } });
      const { fake, result } = run({ record });
      await expect(result).resolves.toBe(`generation is ${state}`);
      expect(fake.verbs()).toEqual(['resume', 'ensureTerminalEvent']);
      expect(fake.argsOf('ensureTerminalEvent')).toEqual([[record]]);
      expect(fake.creates).toEqual([]);
    }
  });

  it('a missing record does nothing', async () => {
    const { fake, result } = run({ record: undefined });
    await expect(result).resolves.toBe('no such generation');
    expect(fake.calls).toEqual([]);
  });

  it.each(['no slot', 'busy'] as const)(
    'waits without spending an attempt when startSubmit answers %s: moveToDelayed + DelayedError',
    async (wait) => {
      const { fake, delayed, result } = run(
        { record: queued, lifecycle: { startSubmit: { ok: false, wait } } },
        { attemptsMade: 2, attempts: 3 },
        'tok-1',
      );
      await expect(result).rejects.toBeInstanceOf(DelayedError);
      expect(delayed).toEqual([{ timestamp: NOW + SLOT_WAIT_MS, token: 'tok-1' }]);
      expect(fake.creates).toEqual([]);
      // Even on the last attempt: a wait is no failure.
      expect(fake.verbs()).toEqual(['resume', 'startSubmit']);
    },
  );

  it('a refused startSubmit returns what the repair did, and creates nothing', async () => {
    const { fake, delayed, result } = run({
      record: queued,
      lifecycle: {
        startSubmit: { ok: false, reason: 'state', current: 'canceled', repaired: 'canceled, event ensured' },
      },
    });
    await expect(result).resolves.toBe('canceled, event ensured');
    expect(fake.creates).toEqual([]);
    expect(delayed).toEqual([]);
  });

  it('an uncertain intent with SUBMIT_UNCERTAIN=fail fails resumably (REELAY_SUBMIT_UNCERTAIN), no create', async () => {
    const uncertain = recordOf({ state: 'submitting', intentOpen: true, upstream: { submitIntents: 1 } });
    const { fake, result } = run({ record: uncertain, uncertainSubmit: 'fail' }, { attemptsMade: 0 });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.creates).toEqual([]);
    expect(fake.verbs()).toEqual(['resume', 'fail']);
    const [record, error, by] = fake.argsOf('fail')[0]!;
    expect(record).toBe(uncertain);
    expect(error).toMatchObject({ stage: 'submit', code: 'REELAY_SUBMIT_UNCERTAIN', resumable: true });
    expect(by).toEqual({ jobId: `${id}.submit`, attemptsMade: 0 });
    // Nothing was created again, so nothing is counted as a possible second task.
    expect(await uncertainCount(fake)).toBe(0);
  });

  it('an uncertain intent with SUBMIT_UNCERTAIN=resubmit creates again and counts it', async () => {
    const uncertain = recordOf({ state: 'submitting', intentOpen: true, upstream: { submitIntents: 1 } });
    const { fake, result } = run({ record: uncertain, creates: [created('task_3')] });
    await expect(result).resolves.toBe('task task_3 created');
    expect(fake.creates).toHaveLength(1);
    expect(await uncertainCount(fake)).toBe(1);
    expect(fake.verbs()).toEqual(['resume', 'startSubmit', 'taskCreated']);
  });

  it('a submitting generation whose intent was closed (4xx before) creates without counting', async () => {
    const closed = recordOf({ state: 'submitting', intentOpen: false, upstream: { submitIntents: 1 } });
    const { fake, result } = run({ record: closed, uncertainSubmit: 'fail', creates: [created('task_4')] });
    await expect(result).resolves.toBe('task task_4 created');
    expect(await uncertainCount(fake)).toBe(0);
  });

  it('a 4xx create closes the intent (createAnswered) and fails the generation at once', async () => {
    const { fake, result } = run(
      {
        record: queued,
        creates: [
          new VtrixError('REELAY_UPSTREAM_BAD_REQUEST', {
            httpStatus: 400,
            upstreamCode: 'InvalidParameter',
          }),
        ],
      },
      { attemptsMade: 0, attempts: 3 },
    );
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.verbs()).toEqual(['resume', 'startSubmit', 'createAnswered', 'fail']);
    expect(fake.argsOf('createAnswered')).toEqual([[id]]);
    // At submit a final upstream error is resumable: an operator may fix the request's cause and retry.
    expect(fake.argsOf('fail')[0]![1]).toEqual({
      stage: 'submit',
      code: 'REELAY_UPSTREAM_BAD_REQUEST',
      message: 'Vtrix rejected the request',
      resumable: true,
      upstreamCode: 'InvalidParameter',
    });
    expect(fake.argsOf('taskCreated')).toEqual([]);
  });

  it('a 429 create closes the intent, pauses the submit queue for Retry-After and spends no attempt', async () => {
    const { fake, result } = run(
      {
        record: queued,
        creates: [new VtrixError('REELAY_UPSTREAM_RATE_LIMITED', { httpStatus: 429, retryAfterMs: 2_500 })],
      },
      // The last attempt: a 429 must still not fail the generation.
      { attemptsMade: 2, attempts: 3 },
    );
    await expect(result).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.argsOf('createAnswered')).toEqual([[id]]);
    expect(fake.rateLimits).toEqual({ submit: [2_500], poll: [], sink: [], notify: [] });
    expect(fake.argsOf('fail')).toEqual([]);
  });

  it('a 429 without Retry-After pauses the queue for 1 s', async () => {
    const { fake, result } = run({
      record: queued,
      creates: [new VtrixError('REELAY_UPSTREAM_RATE_LIMITED', { httpStatus: 429 })],
    });
    await expect(result).rejects.toBeInstanceOf(RateLimitError);
    expect(fake.rateLimits.submit).toEqual([1_000]);
  });

  it('a 5xx create leaves the intent open and is rethrown for a retry while attempts remain', async () => {
    // The first and the second of three attempts: the last one is the third.
    for (const attemptsMade of [0, 1]) {
      const e = new VtrixError('REELAY_UPSTREAM_SERVER_ERROR', { httpStatus: 502 });
      const { fake, result } = run({ record: queued, creates: [e] }, { attemptsMade, attempts: 3 });
      await expect(result).rejects.toBe(e);
      expect(fake.verbs()).toEqual(['resume', 'startSubmit']);
    }
  });

  it('a 5xx (or network) create on the last attempt fails the generation resumably and rethrows it', async () => {
    for (const e of [
      new VtrixError('REELAY_UPSTREAM_SERVER_ERROR', { httpStatus: 500 }),
      new VtrixError('REELAY_UPSTREAM_NETWORK'),
    ]) {
      const { fake, result } = run({ record: queued, creates: [e] }, { attemptsMade: 2, attempts: 3 });
      await expect(result).rejects.toBe(e);
      expect(fake.verbs()).toEqual(['resume', 'startSubmit', 'fail']);
      expect(fake.argsOf('fail')[0]!.slice(1)).toEqual([
        { stage: 'submit', code: e.code, message: e.message, resumable: true },
        { jobId: `${id}.submit`, attemptsMade: 2 },
      ]);
      expect(fake.rateLimits.submit).toEqual([]);
    }
  });

  it('a refused taskCreated (canceled meanwhile) returns what the repair did', async () => {
    const { fake, result } = run({
      record: queued,
      creates: [created('task_5')],
      lifecycle: {
        taskCreated: {
          ok: false,
          reason: 'state',
          current: 'canceled',
          repaired: 'generation moved on during create; canceled, event ensured',
        },
      },
    });
    await expect(result).resolves.toBe('generation moved on during create; canceled, event ensured');
    expect(fake.argsOf('taskCreated')).toEqual([[queued, 'task_5']]);
    expect(fake.argsOf('fail')).toEqual([]);
  });

  // A 2xx reply whose body cannot be read (REELAY_UPSTREAM_BAD_REPLY / _REPLY_TOO_LARGE) means the
  // upstream most likely made the task: closing the intent would make the retry a silent second
  // billed task, uncounted and despite SUBMIT_UNCERTAIN=fail (it did, until this test).
  it('a 2xx create whose reply cannot be read keeps the intent open (no createAnswered)', async () => {
    for (const code of ['REELAY_UPSTREAM_BAD_REPLY', 'REELAY_UPSTREAM_REPLY_TOO_LARGE'] as const) {
      const e = new VtrixError(code, { httpStatus: 200 });
      const { fake, result } = run({ record: queued, creates: [e] }, { attemptsMade: 0, attempts: 3 });
      await expect(result).rejects.toBe(e);
      expect(fake.argsOf('createAnswered')).toEqual([]);
    }
  });
});

describe('processSubmit and the upstream pause', () => {
  const autoPause = {
    reason: 'the upstream answered 401',
    code: 'REELAY_UPSTREAM_UNAUTHORIZED',
    since: 1,
    by: 'auto' as const,
  };

  it('an account failure pauses submission and puts the job back: the generation is not failed', async () => {
    const unauthorized = new VtrixError('REELAY_UPSTREAM_UNAUTHORIZED', {
      httpStatus: 401,
      upstreamCode: 'InvalidApiKey',
    });
    const { fake, delayed, result } = run({ record: queued, creates: [unauthorized] });
    await expect(result).rejects.toBeInstanceOf(DelayedError);
    expect(fake.pauseCalls).toEqual(['pause REELAY_UPSTREAM_UNAUTHORIZED']);
    expect(fake.verbs()).toEqual(['resume', 'startSubmit', 'createAnswered']);
    expect(delayed).toEqual([{ timestamp: NOW + 60_000, token: undefined }]);
  });

  it("DashScope's Arrearage pauses as a 400; a plain 400 fails the generation as before", async () => {
    const arrearage = new VtrixError('REELAY_UPSTREAM_BAD_REQUEST', {
      httpStatus: 400,
      upstreamCode: 'Arrearage',
    });
    const a = run({ record: queued, creates: [arrearage] });
    await expect(a.result).rejects.toBeInstanceOf(DelayedError);
    expect(a.fake.pauseCalls).toEqual(['pause REELAY_UPSTREAM_BAD_REQUEST']);
    const invalid = new VtrixError('REELAY_UPSTREAM_BAD_REQUEST', {
      httpStatus: 400,
      upstreamCode: 'InvalidParameter',
    });
    const b = run({ record: queued, creates: [invalid] });
    await expect(b.result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(b.fake.pauseCalls).toEqual([]);
    expect(b.fake.verbs()).toContain('fail');
  });

  it('while paused, a submit that does not win the probe waits without creating or taking a slot', async () => {
    const { fake, delayed, result } = run({ record: queued, upstreamPause: autoPause, probeWon: false });
    await expect(result).rejects.toBeInstanceOf(DelayedError);
    expect(fake.creates).toEqual([]);
    expect(fake.verbs()).toEqual(['resume']);
    expect(delayed).toEqual([{ timestamp: NOW + 30_000, token: undefined }]);
  });

  it('the probe creates; its success resumes submission for every worker', async () => {
    const { fake, result } = run({
      record: queued,
      upstreamPause: autoPause,
      probeWon: true,
      creates: [created('task_p')],
    });
    await expect(result).resolves.toBe('task task_p created');
    expect(fake.pauseCalls).toEqual(['claimProbe', 'resume']);
  });

  it("an operator's pause is never probed", async () => {
    const { fake, result } = run({
      record: queued,
      upstreamPause: { ...autoPause, by: 'operator' },
      probeWon: true,
    });
    await expect(result).rejects.toBeInstanceOf(DelayedError);
    expect(fake.pauseCalls).toEqual([]);
    expect(fake.creates).toEqual([]);
  });
});
