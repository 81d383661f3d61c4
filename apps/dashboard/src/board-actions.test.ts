import { describe, expect, it } from 'vitest';
import { boardActionAllowed, needsJobState } from './board-actions.ts';

const Q = '/api/queues/:queueName';
const JOB = `${Q}/:jobId`;
const STATES = [
  'failed',
  'completed',
  'waiting',
  'delayed',
  'active',
  'prioritized',
  'waiting-children',
  'unknown',
];

const allowed = (...args: Parameters<typeof boardActionAllowed>) => boardActionAllowed(...args).allow;

describe('boardActionAllowed', () => {
  it('lets every read through', () => {
    for (const route of ['/api/queues', '/api/redis/stats', `${JOB}`, `${JOB}/logs`, `${Q}/metrics`])
      expect(allowed('get', route)).toBe(true);
  });

  it.each([
    ['put', '/api/queues/pause'],
    ['put', '/api/queues/resume'],
    ['put', `${Q}/pause`],
    ['put', `${Q}/resume`],
    ['put', `${Q}/promote`],
    ['put', `${JOB}/promote`],
  ])('allows %s %s', (method, route) => {
    expect(needsJobState(method, route)).toBe(false);
    expect(boardActionAllowed(method, route)).toEqual({ allow: true });
  });

  it.each([
    ['post', `${Q}/add`, 'adding a job bypasses the producer'],
    ['put', `${Q}/empty`, 'emptying a stage queue would drop accepted generations'],
    ['put', `${Q}/obliterate`, 'obliterating a stage queue would drop accepted generations'],
    ['patch', `${JOB}/update-data`, "editing a job's data"],
    ['patch', `${JOB}/delay`, 'the stages schedule'],
    ['patch', `${JOB}/priority`, 'the stages set their own'],
    ['put', `${Q}/concurrency`, "the workers' configuration"],
    ['put', `${Q}/rate-limit`, "the workers' configuration"],
    ['put', `${Q}/rate-limit/release`, "the workers' configuration"],
    ['put', `${JOB}/remove-unprocessed-children`, 'not offered'],
    ['put', `${Q}/job-schedulers/:schedulerId/run`, 'not offered'],
    ['put', `${Q}/job-schedulers/:schedulerId/remove`, 'not offered'],
    ['patch', `${Q}/job-schedulers/:schedulerId`, 'not offered'],
    ['post', '/api/metrics/history/purge', 'not offered'],
    // A route a later bull-board adds is refused until it is listed.
    ['put', `${Q}/something-new`, 'not offered'],
  ])('refuses %s %s with a reason', (method, route, reason) => {
    const decision = boardActionAllowed(method, route, {}, 'failed');
    expect(decision.allow).toBe(false);
    expect(!decision.allow && decision.reason).toContain(reason);
  });

  it('matches the method as well as the route', () => {
    expect(allowed('PUT', `${Q}/pause`)).toBe(true);
    expect(allowed('POST', `${Q}/pause`)).toBe(false);
    expect(allowed('GET', `${Q}/add`)).toBe(true); // bull-board has no such read; Fastify answers 404
    expect(allowed('DELETE', `${Q}`)).toBe(false);
  });

  it('retries and removes a job only when it failed, and needs its state for that', () => {
    for (const action of ['retry', 'clean']) {
      const route = `${JOB}/${action}`;
      expect(needsJobState('put', route)).toBe(true);
      for (const state of STATES) expect(allowed('put', route, {}, state)).toBe(state === 'failed');
      const missing = boardActionAllowed('put', route, {}, undefined);
      expect(missing.allow).toBe(false);
      expect(!missing.allow && missing.reason).toContain('(this job is not found)');
    }
    const waiting = boardActionAllowed('put', `${JOB}/clean`, {}, 'waiting');
    expect(!waiting.allow && waiting.reason).toBe(
      'only a failed job can be removed: removing any other would drop an accepted generation (this job is waiting)',
    );
  });

  it('retries all jobs of a queue only when they failed', () => {
    const route = `${Q}/retry/:queueStatus`;
    expect(needsJobState('put', route)).toBe(false);
    expect(allowed('put', route, { queueStatus: 'failed' })).toBe(true);
    expect(allowed('put', route, { queueStatus: 'completed' })).toBe(false);
    expect(allowed('put', route, {})).toBe(false);
  });

  it('cleans failed and completed jobs, never waiting, delayed, active or paused ones', () => {
    const route = `${Q}/clean/:queueStatus`;
    expect(allowed('put', route, { queueStatus: 'failed' })).toBe(true);
    expect(allowed('put', route, { queueStatus: 'completed' })).toBe(true);
    for (const queueStatus of ['wait', 'waiting', 'delayed', 'active', 'paused', 'prioritized', 'latest', ''])
      expect(allowed('put', route, { queueStatus })).toBe(false);
    expect(allowed('put', route, {})).toBe(false);
    expect(allowed('put', route, { queueStatus: ['failed'] })).toBe(false);
  });
});
