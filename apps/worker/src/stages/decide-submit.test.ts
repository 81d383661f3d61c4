import { describe, expect, it } from 'vitest';
import { recordOf } from '../test-records.ts';
import { decideSubmit, isOwnRunningWrite } from './decide-submit.ts';

describe('decideSubmit', () => {
  it('creates the task for a queued generation', () => {
    expect(decideSubmit(recordOf())).toEqual({ kind: 'create', from: ['queued'], uncertain: false });
  });

  it('never creates a second task once the id is known: it resumes polling', () => {
    const r = recordOf({ state: 'running', pollN: 3, upstream: { taskId: 't1', submitIntents: 1 } });
    expect(decideSubmit(r)).toEqual({ kind: 'resume-polling', taskId: 't1', pollN: 3 });
    expect(
      decideSubmit(recordOf({ state: 'submitting', upstream: { taskId: 't1', submitIntents: 1 } })),
    ).toMatchObject({ kind: 'resume-polling', pollN: 1 });
  });

  it('flags the one uncertain case: an announced create that never got an answer', () => {
    expect(decideSubmit(recordOf({ state: 'submitting', intentOpen: true }))).toEqual({
      kind: 'create',
      from: ['submitting'],
      uncertain: true,
    });
    expect(decideSubmit(recordOf({ state: 'submitting', intentOpen: false }))).toEqual({
      kind: 'create',
      from: ['submitting'],
      uncertain: false,
    });
  });

  it('skips generations that moved on', () => {
    for (const state of ['copying', 'succeeded', 'canceled'] as const) {
      expect(decideSubmit(recordOf({ state, upstream: { submitIntents: 1 } })).kind).toBe('skip');
    }
    expect(decideSubmit(recordOf({ state: 'running', upstream: { submitIntents: 1 } })).kind).toBe('skip');
  });

  it('re-creates after an operator retries a resumable submit failure, and only then', () => {
    const resumable = recordOf({
      state: 'failed',
      error: { stage: 'submit', code: 'REELAY_UPSTREAM_UNAUTHORIZED', message: 'bad key', resumable: true },
    });
    expect(decideSubmit(resumable, true)).toEqual({ kind: 'create', from: ['failed'], uncertain: false });
    // The same record, seen by a run that is not a retry of the failed one (a stalled re-run).
    expect(decideSubmit(resumable, false).kind).toBe('skip');
    expect(
      decideSubmit(
        recordOf({ state: 'failed', error: { stage: 'poll', code: 'X', message: 'm', resumable: true } }),
        true,
      ).kind,
    ).toBe('skip');
    expect(
      decideSubmit(
        recordOf({ state: 'failed', error: { stage: 'submit', code: 'X', message: 'm', resumable: false } }),
        true,
      ).kind,
    ).toBe('skip');
  });
});

describe('isOwnRunningWrite', () => {
  it('is true only when the record is running with the task this run created', () => {
    const running = recordOf({ state: 'running', upstream: { taskId: 't1', submitIntents: 1 } });
    expect(isOwnRunningWrite(running, 't1')).toBe(true);
    expect(isOwnRunningWrite(running, 't2')).toBe(false);
    expect(isOwnRunningWrite({ ...running, state: 'canceled' }, 't1')).toBe(false);
    expect(isOwnRunningWrite(undefined, 't1')).toBe(false);
  });
});
