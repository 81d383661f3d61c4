import type { VtrixTask } from '@reelay/vtrix';
import { describe, expect, it } from 'vitest';
import { recordOf } from '../test-records.ts';
import { TEST_POLL_SCHEDULE as schedule } from '../test-stage-deps.ts';
import { decidePoll, gatePoll } from './decide-poll.ts';

const running = recordOf({
  state: 'running',
  pollN: 2,
  upstream: { taskId: 't1', submittedAt: 10_000, submitIntents: 1 },
});
const task = (over: Partial<VtrixTask>): VtrixTask => ({
  id: 't1',
  status: 'running',
  upstreamStatus: 'in_progress',
  ...over,
});
const half = () => 0.5;

describe('gatePoll', () => {
  it('lets only the poll whose number matches the record read the task', () => {
    expect(gatePoll(running, 2)).toEqual({ kind: 'poll', taskId: 't1' });
    expect(gatePoll(running, 1)).toEqual({ kind: 'reschedule', n: 2 });
    expect(gatePoll(running, 0).kind).toBe('skip');
    expect(gatePoll(running, 5).kind).toBe('skip');
  });
  it('lets the completing poll, and only it, hand off to the sink again after a crash', () => {
    expect(gatePoll({ ...running, state: 'copying' }, 2)).toEqual({ kind: 'handoff' });
    expect(gatePoll({ ...running, state: 'copying' }, 1).kind).toBe('skip');
  });
  it('skips generations that are not running', () => {
    expect(gatePoll({ ...running, state: 'succeeded' }, 2)).toEqual({
      kind: 'skip',
      reason: 'generation is succeeded',
    });
    expect(gatePoll({ ...running, state: 'canceled' }, 2).kind).toBe('skip');
  });
});

describe('decidePoll', () => {
  it('polls again in proportion to the time since submit, capped, while the task runs', () => {
    // 10 s after the submit: 10% of it plus 1 s of slack.
    expect(decidePoll(running, task({ progress: 0.4 }), 2, 20_000, schedule, half)).toEqual({
      kind: 'again',
      delayMs: 2_000,
      upstreamStatus: 'in_progress',
      progress: 0.4,
    });
    expect(decidePoll({ ...running, deadlineAt: 1e9 }, task({}), 9, 200_000, schedule, half)).toMatchObject({
      kind: 'again',
      delayMs: 8_000,
    });
  });
  it('treats a transient read error (no task) as still running', () => {
    expect(decidePoll(running, undefined, 2, 20_000, schedule, half)).toEqual({
      kind: 'again',
      delayMs: 2_000,
    });
  });
  it('hands a completed task to the sink with its URL', () => {
    expect(
      decidePoll(
        running,
        task({ status: 'completed', upstreamStatus: 'success', video: { url: 'https://v/x.mp4' } }),
        2,
        20_000,
        schedule,
        half,
      ),
    ).toEqual({
      kind: 'completed',
      videoUrl: 'https://v/x.mp4',
    });
  });
  it('fails with the upstream code and message', () => {
    expect(
      decidePoll(
        running,
        task({
          status: 'failed',
          upstreamStatus: 'failed',
          error: { code: 'DataInspectionFailed', message: 'inappropriate content' },
        }),
        2,
        20_000,
        schedule,
        half,
      ),
    ).toEqual({
      kind: 'failed',
      code: 'DataInspectionFailed',
      message: 'inappropriate content',
    });
  });
  it('gives up when the next poll would land past the deadline, with a clear reason', () => {
    // submitted at 10 s, deadline 60 s later: a poll at 67 s with a 6.7 s delay would land at 73.7 s.
    const d = decidePoll(running, task({}), 2, 67_000, schedule, half);
    expect(d.kind).toBe('deadline');
    expect(d.kind === 'deadline' && d.message).toMatch(
      /task t1 still in_progress after 1 min.*POLL_DEADLINE_MS=60000/,
    );
    expect(decidePoll(running, task({}), 2, 55_000, schedule, half).kind).toBe('again');
  });
  it('honours a fresh deadline set by an operator resume', () => {
    expect(decidePoll({ ...running, deadlineAt: 200_000 }, task({}), 2, 150_000, schedule, half).kind).toBe(
      'again',
    );
  });
});
