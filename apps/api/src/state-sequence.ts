import {
  type GenerationState,
  type GenerationStatus,
  isTerminal,
  type TimelineEntry,
} from '@reelay/contracts';

/** The data of one `event: state` on the events stream. */
export type StateEvent = { id: string; state: GenerationState; at: number };

export type StateSequence = {
  /** The event that opens the stream: the state the generation is in now. */
  readonly first: StateEvent;
  /** True once a terminal state has been sent: the stream closes. */
  readonly done: boolean;
  /** The event to send for a change (from pub/sub or a re-read timeline), or undefined to skip it. */
  next(entry: TimelineEntry): StateEvent | undefined;
};

const keyOf = (e: TimelineEntry) => `${e.state}@${e.at}`;

/**
 * Decides what an events stream sends, so changes arriving twice (pub/sub and a re-read
 * record, or pub/sub racing the first read) go out once, history before the stream opened is
 * not replayed, nothing older than what was sent goes out, and nothing follows a terminal state.
 */
export function createStateSequence(
  status: Pick<GenerationStatus, 'id' | 'state' | 'timeline' | 'updatedAt'>,
): StateSequence {
  const seen = new Set(status.timeline.map(keyOf));
  const last = status.timeline.at(-1);
  const first: StateEvent = {
    id: status.id,
    state: status.state,
    at: last?.state === status.state ? last.at : status.updatedAt,
  };
  let lastAt = first.at;
  let done = isTerminal(status.state);
  return {
    first,
    get done() {
      return done;
    },
    next(entry) {
      if (done || entry.at < lastAt || seen.has(keyOf(entry))) return undefined;
      seen.add(keyOf(entry));
      lastAt = entry.at;
      done = isTerminal(entry.state);
      return { id: status.id, state: entry.state, at: entry.at };
    },
  };
}

/** One server-sent event (the data is one line of JSON, so it needs no splitting). */
export const sseEvent = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** A comment line: ignored by EventSource, keeps proxies from closing an idle stream. */
export const sseComment = (text: string): string => `: ${text}\n\n`;
