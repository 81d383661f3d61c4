import {
  GENERATION_STATES,
  type GenerationState,
  type GenerationStatus,
  isTerminal,
  type TimelineEntry,
} from '@reelay/contracts';

/** The data of one `event: state` on the events stream. */
export type StateEvent = { id: string; state: GenerationState; at: number };

/**
 * The SSE `id:` of a state event: `<at>-<state>` (e.g. `1764000000000-running`). A client that
 * reconnects sends the last one it saw as `Last-Event-ID`, and the stream resumes after it.
 */
export const sseEventId = (e: Pick<StateEvent, 'state' | 'at'>): string => `${e.at}-${e.state}`;

/** The timeline entry a `Last-Event-ID` names, or undefined when it is not one of ours (ignored). */
export function parseSseEventId(value: string | undefined): TimelineEntry | undefined {
  const m = value === undefined ? null : /^(\d{1,16})-([a-z]+)$/.exec(value.trim());
  if (!m) return undefined;
  const state = m[2] as GenerationState;
  return GENERATION_STATES.includes(state) ? { state, at: Number(m[1]) } : undefined;
}

export type StateSequence = {
  /**
   * The events that open the stream. A new stream: the state the generation is in now. A resumed
   * one (`after`): the changes after the one the client saw last, oldest first; none when that
   * is still the latest.
   */
  readonly opening: readonly StateEvent[];
  /** True once a terminal state has been sent: the stream closes. */
  readonly done: boolean;
  /** The event to send for a change (from pub/sub or a re-read timeline), or undefined to skip it. */
  next(entry: TimelineEntry): StateEvent | undefined;
};

const keyOf = (e: TimelineEntry) => `${e.state}@${e.at}`;

/** What a resumed stream sends first: the timeline after `after` (see StateSequence.opening). */
function missedSince(
  status: Pick<GenerationStatus, 'id' | 'state' | 'timeline'>,
  current: StateEvent,
  after: TimelineEntry,
): StateEvent[] {
  const { timeline } = status;
  const at = timeline.findIndex((e) => keyOf(e) === keyOf(after));
  // Not in the timeline (an id from the updatedAt fallback, or from another record): go by time.
  const missed = at === -1 ? timeline.filter((e) => e.at > after.at) : timeline.slice(at + 1);
  const events = missed.map((e) => ({ id: status.id, state: e.state, at: e.at }));
  // The record's state beyond its timeline (see `current`): send it once, if not already sent.
  const lastSent = events.at(-1) ?? after;
  if (current.state !== lastSent.state && current.at >= lastSent.at) events.push(current);
  return events;
}

/**
 * Decides what an events stream sends, so changes arriving twice (pub/sub and a re-read
 * record, or pub/sub racing the first read) go out once, history before the stream opened is
 * not replayed, nothing older than what was sent goes out, and nothing follows a terminal state.
 * `after` (from `Last-Event-ID`) resumes a stream: the opening is what the client missed.
 */
export function createStateSequence(
  status: Pick<GenerationStatus, 'id' | 'state' | 'timeline' | 'updatedAt'>,
  after?: TimelineEntry,
): StateSequence {
  const seen = new Set(status.timeline.map(keyOf));
  const last = status.timeline.at(-1);
  const current: StateEvent = {
    id: status.id,
    state: status.state,
    at: last?.state === status.state ? last.at : status.updatedAt,
  };
  // An id newer than anything this record holds is not one this stream sent: start afresh.
  if (after && after.at > current.at && !seen.has(keyOf(after))) after = undefined;
  const opening = after ? missedSince(status, current, after) : [current];
  if (after) seen.add(keyOf(after));
  let lastAt = Math.max(current.at, after?.at ?? 0);
  // A terminal state is either in the opening or was seen by the client before it reconnected.
  let done = isTerminal(status.state);
  return {
    opening,
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
export const sseEvent = (event: string, data: unknown, id?: string): string =>
  `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** A state event on the wire, with its resumable id. */
export const sseStateEvent = (e: StateEvent): string => sseEvent('state', e, sseEventId(e));

/** A comment line: ignored by EventSource, keeps proxies from closing an idle stream. */
export const sseComment = (text: string): string => `: ${text}\n\n`;

/** The response headers of an events stream. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx buffers responses unless told not to; a buffered stream is no stream.
  'x-accel-buffering': 'no',
};
