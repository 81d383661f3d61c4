import { describe, expect, it } from 'vitest';
import { isRetryOfFailure } from './resume.ts';
import { resumeState } from './transitions.ts';

const failed = {
  state: 'failed' as const,
  error: { stage: 'poll' as const, code: 'REELAY_POLL_DEADLINE', message: 'm', resumable: true },
  failedBy: { jobId: 'gen_a.poll.6', attemptsMade: 2 },
};

describe('isRetryOfFailure', () => {
  it('is true for the failing job once BullMQ has counted the failed attempt (an operator retry)', () => {
    expect(isRetryOfFailure(failed, 'poll', { id: 'gen_a.poll.6', attemptsMade: 3 })).toBe(true);
  });
  it('is false for a re-run of the failing run itself: a stalled job keeps its count', () => {
    expect(isRetryOfFailure(failed, 'poll', { id: 'gen_a.poll.6', attemptsMade: 2 })).toBe(false);
  });
  it('is false for any other job of the generation, e.g. a late, older poll', () => {
    expect(isRetryOfFailure(failed, 'poll', { id: 'gen_a.poll.5', attemptsMade: 9 })).toBe(false);
  });
  it("is false for another stage's job, whatever its id", () => {
    expect(isRetryOfFailure(failed, 'sink', { id: 'gen_a.poll.6', attemptsMade: 3 })).toBe(false);
  });
  it('is false when the failure is not resumable, names no job, or the generation is not failed', () => {
    const job = { id: 'gen_a.poll.6', attemptsMade: 3 };
    expect(isRetryOfFailure({ ...failed, error: { ...failed.error, resumable: false } }, 'poll', job)).toBe(
      false,
    );
    expect(isRetryOfFailure({ state: 'failed', error: failed.error }, 'poll', job)).toBe(false);
    expect(isRetryOfFailure({ ...failed, state: 'running' }, 'poll', job)).toBe(false);
  });
});

describe('resumeState', () => {
  it("sends a resumed generation back to its failing stage's state", () => {
    expect(resumeState('submit', false)).toBe('queued');
    expect(resumeState('poll', true)).toBe('running');
    expect(resumeState('sink', true)).toBe('copying');
  });
  it('resumes a submit that failed after its task was made by polling that task, never creating again', () => {
    expect(resumeState('submit', true)).toBe('running');
  });
});
