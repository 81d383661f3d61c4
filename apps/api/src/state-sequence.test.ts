import { describe, expect, it } from 'vitest';
import { createStateSequence, sseComment, sseEvent } from './state-sequence.ts';

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
    expect(seq.first).toEqual({ id: 'gen_x', state: 'submitting', at: 2 });
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
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
  });
});
