import { describe, expect, it } from 'vitest';
import {
  createStateSequence,
  parseSseEventId,
  sseComment,
  sseEvent,
  sseEventId,
  sseStateEvent,
} from './state-sequence.ts';

const status = (timeline: Array<[string, number]>) => ({
  id: 'gen_x',
  state: timeline.at(-1)![0] as never,
  updatedAt: timeline.at(-1)![1] + 5,
  timeline: timeline.map(([state, at]) => ({ state: state as never, at })),
});

describe('state sequence', () => {
  it('opens with the current state and its time', () => {
    const seq = createStateSequence(
      status([
        ['queued', 1],
        ['submitting', 2],
      ]),
    );
    expect(seq.opening).toEqual([{ id: 'gen_x', state: 'submitting', at: 2 }]);
    expect(seq.done).toBe(false);
  });

  it('sends each later change once, skipping history and duplicates', () => {
    const seq = createStateSequence(
      status([
        ['queued', 1],
        ['submitting', 2],
      ]),
    );
    expect(seq.next({ state: 'submitting', at: 2 })).toBeUndefined();
    expect(seq.next({ state: 'running', at: 3 })).toEqual({ id: 'gen_x', state: 'running', at: 3 });
    expect(seq.next({ state: 'running', at: 3 })).toBeUndefined();
    expect(seq.next({ state: 'queued', at: 1 })).toBeUndefined();
  });

  it('never goes back in time (a late duplicate after a newer change)', () => {
    const seq = createStateSequence(status([['queued', 1]]));
    expect(seq.next({ state: 'copying', at: 9 })).toBeDefined();
    expect(seq.next({ state: 'running', at: 5 })).toBeUndefined();
  });

  it('is done after a terminal state and sends nothing more', () => {
    const seq = createStateSequence(status([['queued', 1]]));
    expect(seq.next({ state: 'failed', at: 4 })).toMatchObject({ state: 'failed' });
    expect(seq.done).toBe(true);
    expect(seq.next({ state: 'copying', at: 8 })).toBeUndefined();
    expect(
      createStateSequence(
        status([
          ['queued', 1],
          ['canceled', 2],
        ]),
      ).done,
    ).toBe(true);
  });

  it('formats events and comments as the SSE wire format', () => {
    expect(sseEvent('state', { a: 1 })).toBe('event: state\ndata: {"a":1}\n\n');
    expect(sseEvent('state', { a: 1 }, '7-x')).toBe('id: 7-x\nevent: state\ndata: {"a":1}\n\n');
    expect(sseStateEvent({ id: 'gen_x', state: 'running', at: 17 })).toBe(
      'id: 17-running\nevent: state\ndata: {"id":"gen_x","state":"running","at":17}\n\n',
    );
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
  });
});

describe('event ids and resuming (Last-Event-ID)', () => {
  const timeline = status([
    ['queued', 1],
    ['submitting', 2],
    ['running', 4],
    ['copying', 4],
  ]);

  it('round-trips an event id and ignores ids that are not ours', () => {
    expect(sseEventId({ state: 'running', at: 1764000000000 })).toBe('1764000000000-running');
    expect(parseSseEventId('1764000000000-running')).toEqual({ state: 'running', at: 1764000000000 });
    expect(parseSseEventId(' 5-queued ')).toEqual({ state: 'queued', at: 5 });
    for (const bad of [
      undefined,
      '',
      'running',
      '5-sleeping',
      '-5-queued',
      'x5-queued',
      '5-queued-x',
      '1.5-queued',
    ])
      expect(parseSseEventId(bad), String(bad)).toBeUndefined();
  });

  it('sends only what came after the last seen event, oldest first', () => {
    const seq = createStateSequence(timeline, { state: 'submitting', at: 2 });
    expect(seq.opening.map((e) => e.state)).toEqual(['running', 'copying']);
    expect(seq.opening[0]).toEqual({ id: 'gen_x', state: 'running', at: 4 });
    expect(seq.done).toBe(false);
    // Two changes in the same millisecond: the position in the timeline decides, not the time.
    expect(createStateSequence(timeline, { state: 'running', at: 4 }).opening.map((e) => e.state)).toEqual([
      'copying',
    ]);
  });

  it('sends nothing when the last seen event is still the latest, then the next change once', () => {
    const seq = createStateSequence(timeline, { state: 'copying', at: 4 });
    expect(seq.opening).toEqual([]);
    expect(seq.next({ state: 'copying', at: 4 })).toBeUndefined();
    expect(seq.next({ state: 'running', at: 4 })).toBeUndefined();
    expect(seq.next({ state: 'succeeded', at: 6 })).toEqual({ id: 'gen_x', state: 'succeeded', at: 6 });
    expect(seq.done).toBe(true);
  });

  it('is done at once when the generation ended: with what was missed, or with nothing', () => {
    const ended = status([
      ['queued', 1],
      ['running', 3],
      ['succeeded', 8],
    ]);
    const missed = createStateSequence(ended, { state: 'queued', at: 1 });
    expect(missed.opening.map((e) => e.state)).toEqual(['running', 'succeeded']);
    expect(missed.done).toBe(true);
    const nothing = createStateSequence(ended, { state: 'succeeded', at: 8 });
    expect(nothing.opening).toEqual([]);
    expect(nothing.done).toBe(true);
  });

  it('goes by time for an id not in the timeline, and starts afresh for one newer than the record', () => {
    // 3 is between submitting (2) and running (4): an id from the updatedAt fallback, say.
    expect(createStateSequence(timeline, { state: 'queued', at: 3 }).opening.map((e) => e.state)).toEqual([
      'running',
      'copying',
    ]);
    const future = createStateSequence(timeline, { state: 'failed', at: 99 });
    expect(future.opening).toEqual([{ id: 'gen_x', state: 'copying', at: 4 }]);
    expect(future.done).toBe(false);
  });

  it("sends the record's state once when it is beyond its timeline", () => {
    // updatedAt (status() sets it 5 after the last entry) stands in for a state the timeline lacks.
    const beyond = { ...timeline, state: 'succeeded' as never };
    const seq = createStateSequence(beyond, { state: 'copying', at: 4 });
    expect(seq.opening).toEqual([{ id: 'gen_x', state: 'succeeded', at: 9 }]);
    expect(seq.done).toBe(true);
  });
});
