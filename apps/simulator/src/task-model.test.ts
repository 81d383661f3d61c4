import { describe, expect, it } from 'vitest';
import { defaultConfig, type SimulatorConfig } from './config.ts';
import { createRng } from './rng.ts';
import { drawTask, newTaskId, TASK_ID_PATTERN, type Task, taskPhase, taskStateAt } from './task-model.ts';

const draft = { id: 'a'.repeat(20), createdAt: 10_000, videoSeconds: 5 };
const draw = (patch: Partial<SimulatorConfig>, seed = 1): Task =>
  drawTask(draft, { ...defaultConfig, ...patch }, createRng(seed));

describe('newTaskId', () => {
  it('makes 20 lowercase alphanumerics, reproducibly per seed', () => {
    const rng = createRng(3);
    const ids = Array.from({ length: 100 }, () => newTaskId(rng));
    for (const id of ids) expect(id).toMatch(TASK_ID_PATTERN);
    expect(new Set(ids).size).toBe(100);
    expect(newTaskId(createRng(3))).toBe(ids[0]);
  });
});

describe('drawTask', () => {
  it('completes by default, records the video size, starts with no URL minted', () => {
    const task = draw({ taskDurationMs: 500, videoBytes: 1234 });
    expect(task).toMatchObject({ outcome: 'completed', durationMs: 500, videoBytes: 1234, urlsMinted: 0 });
  });

  it('follows failRate and stuckRate (fail checked first)', () => {
    expect(draw({ failRate: 1 }).outcome).toBe('failed');
    expect(draw({ stuckRate: 1 }).outcome).toBe('stuck');
    const outcomes = Array.from(
      { length: 200 },
      (_, i) => draw({ failRate: 0.5, stuckRate: 0.5 }, i).outcome,
    );
    expect(new Set(outcomes)).toEqual(new Set(['failed', 'stuck']));
  });

  it('adds jitter in [0, jitter)', () => {
    const durations = Array.from(
      { length: 300 },
      (_, i) => draw({ taskDurationMs: 1000, taskDurationJitterMs: 100 }, i).durationMs,
    );
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...durations)).toBeLessThan(1100);
    expect(new Set(durations).size).toBeGreaterThan(50);
  });
});

describe('taskPhase', () => {
  it('runs with rising progress, below 1, until createdAt + duration, then completes', () => {
    const task = draw({ taskDurationMs: 1000 });
    expect(taskPhase(task, 10_000)).toEqual({ state: 'running', progress: 0 });
    expect(taskPhase(task, 10_500)).toEqual({ state: 'running', progress: 0.5 });
    expect(taskPhase(task, 10_999)).toEqual({ state: 'running', progress: 0.99 });
    expect(taskPhase(task, 11_000)).toEqual({ state: 'completed', finishedAt: 11_000 });
    expect(taskPhase(task, 99_000)).toEqual({ state: 'completed', finishedAt: 11_000 });
  });

  it('clamps a clock that went backwards to progress 0', () => {
    expect(taskPhase(draw({ taskDurationMs: 1000 }), 9_000)).toEqual({ state: 'running', progress: 0 });
  });

  it('completes at once when taskDurationMs is 0', () => {
    expect(taskPhase(draw({ taskDurationMs: 0 }), 10_000)).toEqual({
      state: 'completed',
      finishedAt: 10_000,
    });
  });

  it('fails at the end of the duration for a failing task', () => {
    const task = draw({ taskDurationMs: 100, failRate: 1 });
    expect(taskStateAt(task, 10_050)).toBe('running');
    expect(taskPhase(task, 10_100)).toEqual({ state: 'failed', finishedAt: 10_100 });
  });

  it('never leaves running for a stuck task', () => {
    const task = draw({ taskDurationMs: 100, stuckRate: 1 });
    expect(taskPhase(task, 10_000 + 86_400_000)).toEqual({ state: 'running', progress: 0.99 });
    expect(taskStateAt(task, Number.MAX_SAFE_INTEGER)).toBe('running');
  });
});
