/**
 * The generation's lifecycle as data: every move a generation can make, the one place that says
 * what may follow what, which webhook each move sends, and how an operator's retry resumes.
 * The verbs in lifecycle.ts carry these moves out (one Lua compare-and-set each, move.lua);
 * nothing else writes a status record. docs/ARCHITECTURE.md shows this table, generated from it.
 *
 *   queued ─► submitting ─► running ─► copying ─► succeeded
 *     │            │           │          │
 *     └────────────┴───────────┴──────────┴──► failed ──(resume: an operator retries the
 *     └────────────┴───────────┴──────────┴──► canceled   failing job)──► back to its stage
 */
import type { EventType, GenerationState, StageName } from '@reelay/contracts';

/** States in which a generation is still being worked on. */
export const ACTIVE_STATES = [
  'queued',
  'submitting',
  'running',
  'copying',
] as const satisfies readonly GenerationState[];

export type MoveName =
  | 'enqueue'
  | 'grant'
  | 'startSubmit'
  | 'createAnswered'
  | 'taskCreated'
  | 'polled'
  | 'taskDone'
  | 'urlRefreshed'
  | 'stored'
  | 'fail'
  | 'resume'
  | 'cancel';

export type Move = {
  /** States the record must be in (empty: the record must not exist yet). */
  from: readonly GenerationState[];
  /** The state after the move; `same` patches the record without moving it; `stage` is the
   * state of the stage that failed (see resumeState). */
  to: GenerationState | 'same' | 'stage';
  /** What else must hold, checked in the same compare-and-set. */
  guard?: 'poll fence' | 'failing job' | 'idempotency key' | 'free slot';
  /** The webhook event the move queues, when the generation's target subscribed to it. Its
   * delivery track opens (`pending`) in the same write, so the event is never due unseen. */
  event?: EventType;
  /** Joins or leaves the deadline index (GENERATION_DEADLINE_MS; the sweeper fails the overdue). */
  deadline?: 'join' | 'leave';
  /** Takes or gives back an upstream slot (MAX_IN_FLIGHT). */
  slot?: 'take' | 'release';
  /** The job the move adds next (its id is derived from the generation: adding twice is a no-op). */
  next?: 'tenant queue' | 'submit' | 'poll 1' | 'poll n+1' | 'sink' | 'none';
  /** Who calls it, and why. */
  by: string;
};

export const MOVES = {
  enqueue: {
    from: [],
    to: 'queued',
    guard: 'idempotency key',
    deadline: 'join',
    next: 'tenant queue',
    by: 'producer: a new generation, its cost estimate reserved against its tenant’s budget (all or none per call; the same key returns the same one)',
  },
  grant: {
    from: ['queued'],
    to: 'same',
    guard: 'free slot',
    slot: 'take',
    next: 'submit',
    by: 'the tenant gate (grant.lua; workers after a slot frees or a submit starts and every second, the producer after an enqueue): a free slot to the next generation by the tenants’ weights, own caps and pauses, at most GRANT_AHEAD waiting to be submitted; priority then FIFO within a tenant',
  },
  startSubmit: {
    from: ['queued', 'submitting'],
    to: 'submitting',
    guard: 'free slot',
    slot: 'take',
    next: 'none',
    by: 'submit: opens a submit intent just before the upstream create (counted; an intent left open is the one double-billing window); keeps the slot the gate granted (takes one only for an operator’s retry)',
  },
  createAnswered: {
    from: ['submitting'],
    to: 'same',
    next: 'none',
    by: 'submit: the create got a 4xx or 429 answer, so no task was made: the intent closes',
  },
  taskCreated: {
    from: ['submitting'],
    to: 'running',
    event: 'generation.running',
    next: 'poll 1',
    by: 'submit: records the upstream task id the moment it is known',
  },
  polled: {
    from: ['running'],
    to: 'same',
    guard: 'poll fence',
    next: 'poll n+1',
    by: 'poll: the task is still running (or the read failed transiently); the counter moves n → n+1',
  },
  taskDone: {
    from: ['running'],
    to: 'copying',
    guard: 'poll fence',
    slot: 'release',
    next: 'sink',
    by: 'poll: the task completed with a video URL',
  },
  urlRefreshed: {
    from: ['copying'],
    to: 'same',
    next: 'none',
    by: 'sink: the video URL expired and a fresh one was read from the task',
  },
  stored: {
    from: ['copying'],
    to: 'succeeded',
    event: 'generation.succeeded',
    deadline: 'leave',
    next: 'none',
    by: 'sink: the video is in S3 (size and sha256 known)',
  },
  fail: {
    from: ACTIVE_STATES,
    to: 'failed',
    event: 'generation.failed',
    deadline: 'leave',
    slot: 'release',
    next: 'none',
    by: 'a stage with a final error or out of attempts (it notes the failing job run), the deadline sweeper',
  },
  resume: {
    from: ['failed'],
    to: 'stage',
    guard: 'failing job',
    deadline: 'join',
    next: 'none',
    by: 'a stage job run that is an operator’s retry of the run that failed the generation resumably; that run then carries on',
  },
  cancel: {
    from: ACTIVE_STATES,
    to: 'canceled',
    event: 'generation.canceled',
    deadline: 'leave',
    slot: 'release',
    next: 'none',
    by: 'producer / API: canceled by request (pending stage jobs are removed)',
  },
} as const satisfies Record<MoveName, Move>;

/** The event each terminal state sends: what a stage that finds its generation ended makes sure of. */
export const TERMINAL_EVENT = {
  succeeded: 'generation.succeeded',
  failed: 'generation.failed',
  canceled: 'generation.canceled',
} as const satisfies Partial<Record<GenerationState, EventType>>;

/**
 * Where a resumed generation goes back to: the state of the stage whose job failed it. A submit
 * that failed after its task was made resumes polling that task, never creating a second one.
 */
export function resumeState(
  stage: Exclude<StageName, 'notify'>,
  hasTask: boolean,
): Exclude<GenerationState, 'succeeded' | 'failed' | 'canceled'> {
  switch (stage) {
    case 'submit':
      return hasTask ? 'running' : 'queued';
    case 'poll':
      return 'running';
    case 'sink':
      return 'copying';
  }
}
