import { describe, expect, it } from 'vitest';
import { taskErrorVariants } from './error-bodies.ts';
import type { Task } from './task-model.ts';
import { createReply, pollReply, runningStatus, usageCost, wrapInEnvelope } from './task-replies.ts';

const task = (variant = 0, extra: Partial<Task> = {}): Task => ({
  id: 'd758n65e878c73cmdg20',
  createdAt: 1_769_757_744_021,
  durationMs: 1000,
  outcome: 'completed',
  variant,
  videoSeconds: 5,
  videoBytes: 0,
  urlsMinted: 0,
  ...extra,
});
const url = 'http://sim/files/x.mp4?expires=1&sig=s';
const variants = Array.from({ length: 1024 }, (_, v) => v);

describe('createReply', () => {
  it('has the documented shape', () => {
    expect(createReply(task())).toEqual({
      id: 'd758n65e878c73cmdg20',
      created_at: 1_769_757_744_021,
      status: 'in_progress',
      model: 'wan27_i2v',
    });
  });

  it('with status variants, some creates give created_at as an ISO string, the same instant', () => {
    const forms = new Set(
      variants.map((v) => typeof createReply({ ...task(), variant: v }, true).created_at),
    );
    expect(forms).toEqual(new Set(['number', 'string']));
    const iso = variants
      .map((v) => createReply({ ...task(), variant: v }, true).created_at)
      .find((c) => typeof c === 'string');
    expect(Date.parse(iso as string)).toBe(1_769_757_744_021);
  });
});

describe('pollReply without variants', () => {
  it('reports a running task as in_progress with progress', () => {
    const body = pollReply(task(7), { state: 'running', progress: 0.1 }, { statusVariants: false });
    expect(body).toEqual({
      id: 'd758n65e878c73cmdg20',
      model: 'wan27_i2v',
      created_at: 1_769_757_744_021,
      status: 'in_progress',
      progress: 0.1,
      metadata: { submitted_at: 1_769_757_744_021 },
    });
  });

  it('reports a completed task with one video content item', () => {
    const body = pollReply(
      task(0xff),
      { state: 'completed', finishedAt: 1_769_757_745_021 },
      {
        statusVariants: false,
        resultUrl: url,
      },
    );
    expect(body).toMatchObject({
      status: 'completed',
      output: [{ content: [{ type: 'video', url, duration: 5, jobId: 'job-d758n65e878c73cmdg20' }] }],
      usage: { cost: 0.5 },
      metadata: { elapsed_ms: 1000 },
    });
  });

  it('refuses to build a completed reply without a URL', () => {
    expect(() =>
      pollReply(task(), { state: 'completed', finishedAt: 1 }, { statusVariants: false }),
    ).toThrow();
  });

  it('reports a failed task with every error shape across variants', () => {
    const errors = Array.from(
      { length: 12 },
      (_, i) => pollReply(task(i << 8), { state: 'failed', finishedAt: 1 }, { statusVariants: false }).error,
    );
    for (const shape of taskErrorVariants) expect(errors).toContainEqual(shape);
    expect(errors.some((e) => typeof e === 'string')).toBe(true);
    expect(errors.some((e) => typeof (e as { code?: unknown }).code === 'number')).toBe(true);
    expect(errors.some((e) => (e as { code?: unknown }).code === '002014001')).toBe(true);
    expect(errors.some((e) => (e as { error_message?: unknown }).error_message !== undefined)).toBe(true);
  });
});

describe('pollReply with statusVariants', () => {
  it('mixes all four running spellings: queued early, working later', () => {
    const early = new Set(variants.map((v) => runningStatus(task(v), 0.1, true)));
    const late = new Set(variants.map((v) => runningStatus(task(v), 0.6, true)));
    expect(early).toEqual(new Set(['pending', 'in_queue']));
    expect(late).toEqual(new Set(['processing', 'in_progress']));
  });

  it('mixes success spelling, content type, duration type and cost forms', () => {
    const bodies = variants.map((v) =>
      pollReply(task(v), { state: 'completed', finishedAt: 1 }, { statusVariants: true, resultUrl: url }),
    );
    const contents = bodies.map((b) => (b.output as { content: Record<string, unknown>[] }[])[0]?.content[0]);
    expect(new Set(bodies.map((b) => b.status))).toEqual(new Set(['completed', 'success']));
    expect(new Set(contents.map((c) => c?.type))).toEqual(new Set(['video', 'video_url']));
    expect(new Set(contents.map((c) => c?.duration))).toEqual(new Set([5, '5']));
    expect(new Set(bodies.map((b) => (b.usage as { cost: unknown }).cost))).toEqual(
      new Set(['0.50', 0.5, '', null]),
    );
  });

  it('keeps the default cost a number without variants', () => {
    expect(usageCost(task(0x60), false)).toBe(0.5);
    expect(usageCost(task(0x60), true)).toBeNull();
  });
});

describe('wrapInEnvelope', () => {
  it('renames id to task_id inside data and adds the status object', () => {
    expect(wrapInEnvelope(createReply(task()))).toEqual({
      data: {
        task_id: 'd758n65e878c73cmdg20',
        created_at: 1_769_757_744_021,
        status: 'in_progress',
        model: 'wan27_i2v',
      },
      status: { code: 0, message: 'success' },
    });
  });
});
