import { describe, expect, it } from 'vitest';
import { recordOf } from '../test-records.ts';
import { decideSubmit } from './decide-submit.ts';

describe('decideSubmit', () => {
  it('creates the task for a queued generation', () => {
    expect(decideSubmit(recordOf())).toEqual({ kind: 'create', uncertain: false });
  });

  it('never creates a second task once the id is known: it resumes polling', () => {
    const r = recordOf({ state: 'running', pollN: 3, upstream: { taskId: 't1', submitIntents: 1 } });
    expect(decideSubmit(r)).toEqual({ kind: 'resume-polling', taskId: 't1' });
    expect(
      decideSubmit(recordOf({ state: 'submitting', upstream: { taskId: 't1', submitIntents: 1 } })),
    ).toMatchObject({ kind: 'resume-polling' });
  });

  it('flags the one uncertain case: an announced create that never got an answer', () => {
    expect(decideSubmit(recordOf({ state: 'submitting', intentOpen: true }))).toEqual({
      kind: 'create',
      uncertain: true,
    });
    expect(decideSubmit(recordOf({ state: 'submitting', intentOpen: false }))).toEqual({
      kind: 'create',
      uncertain: false,
    });
  });

  it('skips generations that moved on, failed ones included (only a resume brings those back)', () => {
    for (const state of ['copying', 'succeeded', 'canceled', 'failed'] as const) {
      expect(decideSubmit(recordOf({ state, upstream: { submitIntents: 1 } })).kind).toBe('skip');
    }
    expect(decideSubmit(recordOf({ state: 'running', upstream: { submitIntents: 1 } })).kind).toBe('skip');
  });
});
