/**
 * The lifecycle verbs: one per move of transitions.ts. Each builds the move's compare-and-set
 * (move.lua: state, guard, fields, deadline index and upstream slot in one step), opens the
 * delivery track of the event it sends, then adds the next job and queues the event. A refused
 * move re-reads the record and makes sure the job its state needs exists (repair), so a verb's
 * caller never has to. Stages read, decide, do their I/O and call one verb.
 */
import {
  type GenerationError,
  type GenerationOutput,
  type GenerationState,
  isTerminal,
  jobIds,
  type StageName,
  stageOfState,
} from '@reelay/contracts';
import type { Redis } from 'ioredis';
import { DEFAULT_POLL_SCHEDULE, type PollSchedule, pollDelay, sinceSubmit } from '../poll-schedule.ts';
import type { StageQueues } from '../queues.ts';
import { encodeFailedBy, F, type FailedBy, type RecordCore } from '../record-codec.ts';
import { createStatusStore, type NewGeneration } from '../status-store.ts';
import { openDelivery, queueEvent } from './delivery.ts';
import { type CreateResult, createRecordWriter, type MoveResult } from './record-writer.ts';
import { isRetryOfFailure, type JobRun } from './resume.ts';
import { MOVES, resumeState, TERMINAL_EVENT } from './transitions.ts';

export type LifecycleOptions = {
  prefix: string;
  recordRetentionS: number;
  idempotencyTtlS: number;
  /** A generation not terminal this long after enqueue (or after a resume) is failed by the sweeper. */
  generationDeadlineMs: number;
  /** When polls are added (the worker's POLL_* settings). @defaultValue DEFAULT_POLL_SCHEDULE */
  poll?: PollSchedule;
  now?: () => number;
  random?: () => number;
};

/** What a verb did: moved, or was refused (and what the repair after it made sure of). */
export type Outcome =
  | { ok: true }
  | { ok: false; reason: 'state' | 'guard' | 'missing'; current?: GenerationState; repaired: string };

export type CancelResult = { id: string; state: GenerationState; canceled: boolean } | undefined;

export type Lifecycle = ReturnType<typeof createLifecycle>;

export function createLifecycle(redis: Redis, queues: StageQueues, opts: LifecycleOptions) {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const schedule = opts.poll ?? DEFAULT_POLL_SCHEDULE;
  const writer = createRecordWriter(redis, { ...opts, now });
  const store = createStatusStore(redis, { prefix: opts.prefix });

  const addPoll = (id: string, n: number, delayMs: number) =>
    queues.poll.add('poll', { generationId: id, n }, { jobId: jobIds.poll(id, n), delay: delayMs });
  const addSink = (id: string) => queues.sink.add('sink', { generationId: id }, { jobId: jobIds.sink(id) });

  /** A refused move: the outcome, after making sure the job the record's state needs exists. */
  async function refused(
    id: string,
    result: Exclude<MoveResult, { ok: true }>,
    why: string,
  ): Promise<Outcome> {
    const repaired = await repair(id, why);
    const reason = result.reason === 'slot' ? 'state' : result.reason;
    return result.reason === 'missing'
      ? { ok: false, reason, repaired }
      : { ok: false, reason, current: result.current, repaired };
  }

  /**
   * Makes sure the job a generation's state needs exists: a refused move means another run of the
   * same step (a recovered stalled job racing the original) moved the generation on and may have
   * died before adding the next job. Every add uses the step's job id, and the poll counter admits
   * one poll chain, so this never makes work twice. Returns what it did.
   */
  async function repair(id: string, why: string): Promise<string> {
    const record = await store.getCore(id);
    if (!record) {
      // Only an operator's DEL removes a live record: give its upstream slot back.
      await writer.releaseSlot(id);
      return `${why}; no record`;
    }
    switch (record.state) {
      case 'running':
        if (!record.upstream.taskId || record.pollN < 1) return `${why}; nothing to poll yet`;
        await addPoll(
          id,
          record.pollN,
          pollDelay(schedule, record.pollN, sinceSubmit(record, now()), random),
        );
        return `${why}; poll ${record.pollN} ensured`;
      case 'copying':
        await addSink(id);
        return `${why}; sink ensured`;
      case 'succeeded':
      case 'failed':
      case 'canceled':
        await ensureTerminalEvent(record);
        return `${why}; ${record.state}, event ensured`;
      case 'queued':
      case 'submitting':
        return `${why}; still ${record.state}`;
    }
  }

  /**
   * A stage that finds its generation ended makes sure the ending's event is queued: a crash may
   * have come between the move and queueing it. The event's job id makes this a no-op when it was.
   */
  async function ensureTerminalEvent(record: Pick<RecordCore, 'id' | 'wants' | 'state'>): Promise<void> {
    if (isTerminal(record.state))
      await queueEvent(queues, record, TERMINAL_EVENT[record.state as keyof typeof TERMINAL_EVENT]);
  }

  return {
    /** The record's keys (for apps that read them). */
    keys: writer.keys,

    /** enqueue: records (one atomic script), then submit jobs (one MULTI); removed again if adding fails. */
    async enqueue(items: readonly NewGeneration[]): Promise<CreateResult[]> {
      const results = await writer.create(items);
      const seen = new Set<string>();
      const toAdd = results.flatMap((r, i) =>
        // A key that returns an existing generation still queued re-adds its submit job: a no-op
        // unless a crash lost it between the two steps.
        r.state === 'queued' && !seen.has(r.id) && seen.add(r.id)
          ? [{ id: r.id, priority: items[i]!.options.priority }]
          : [],
      );
      try {
        await queues.submit.addBulk(
          toAdd.map((g) => ({
            name: 'submit',
            data: { generationId: g.id },
            opts: { jobId: jobIds.submit(g.id), ...(g.priority ? { priority: g.priority } : {}) },
          })),
        );
      } catch (e) {
        const created = new Set(results.filter((r) => r.created).map((r) => r.id));
        await writer
          .remove(
            items
              .filter((g) => created.has(g.id))
              .map((g) => ({ id: g.id, idempotencyKey: g.options.idempotencyKey })),
          )
          .catch(() => {});
        throw e;
      }
      return results;
    },

    /**
     * startSubmit: opens a submit intent and takes an upstream slot, from the state this run read
     * (so of two runs that read `queued`, only one opens an intent). `busy`: another run is mid-
     * create; `no slot`: all MAX_IN_FLIGHT slots are taken. Both wait without spending an attempt.
     */
    async startSubmit(
      record: Pick<RecordCore, 'id' | 'state'>,
      maxInFlight: number,
    ): Promise<{ ok: true } | { ok: false; wait: 'busy' | 'no slot' } | Extract<Outcome, { ok: false }>> {
      const from = record.state === 'submitting' ? 'submitting' : 'queued';
      const r = await writer.move(record.id, {
        to: MOVES.startSubmit.to,
        from: [from],
        increment: F.submitIntents,
        set: { [F.submitIntentOpen]: now() },
        slot: maxInFlight,
      });
      if (r.ok) return { ok: true };
      if (r.reason === 'slot') return { ok: false, wait: 'no slot' };
      if (r.reason === 'state' && r.current === 'submitting') return { ok: false, wait: 'busy' };
      return refused(record.id, r, 'generation changed before submit') as Promise<
        Extract<Outcome, { ok: false }>
      >;
    },

    /** createAnswered: the create got an HTTP answer that made no task (4xx, 429): the intent closes. */
    async createAnswered(id: string): Promise<boolean> {
      return (await writer.move(id, { from: MOVES.createAnswered.from, unset: [F.submitIntentOpen] })).ok;
    },

    /** taskCreated: submitting → running with the task id; adds poll 1, queues generation.running. */
    async taskCreated(record: Pick<RecordCore, 'id' | 'wants'>, taskId: string): Promise<Outcome> {
      const r = await writer.move(record.id, {
        to: MOVES.taskCreated.to,
        from: MOVES.taskCreated.from,
        unset: [F.submitIntentOpen],
        set: {
          [F.taskId]: taskId,
          [F.submittedAt]: now(),
          [F.pollN]: 1,
          ...openDelivery(record, 'generation.running'),
        },
      });
      // Refused, yet the record holds this very task: the write ran and its reply was lost, and
      // ioredis sent it again after reconnecting (task ids are unique per create). Carry on.
      if (!r.ok && !isOwnRunningWrite(await store.getCore(record.id), taskId))
        return refused(record.id, r, 'generation moved on during create');
      await addPoll(record.id, 1, pollDelay(schedule, 1, 0, random));
      await queueEvent(queues, record, MOVES.taskCreated.event);
      return { ok: true };
    },

    /** polled: poll n saw the task still running; the counter moves to n+1 and poll n+1 is added. */
    async polled(
      record: Pick<RecordCore, 'id'>,
      n: number,
      seen: { delayMs: number; upstreamStatus?: string | undefined; progress?: number | undefined },
    ): Promise<Outcome> {
      const set: Record<string, string | number> = { [F.pollN]: n + 1 };
      if (seen.upstreamStatus) set[F.upstreamStatus] = seen.upstreamStatus;
      if (seen.progress !== undefined) set[F.progress] = seen.progress;
      const r = await writer.move(record.id, {
        from: MOVES.polled.from,
        guard: { field: F.pollN, equals: String(n) },
        set,
        increment: F.attempt('poll'),
      });
      if (!r.ok) return refused(record.id, r, 'poll superseded');
      await addPoll(record.id, n + 1, seen.delayMs);
      return { ok: true };
    },

    /** taskDone: poll n saw the task completed: running → copying, the slot is freed, sink added. */
    async taskDone(
      record: Pick<RecordCore, 'id'>,
      n: number,
      seen: { videoUrl: string; upstreamStatus?: string | undefined },
    ): Promise<Outcome> {
      const r = await writer.move(record.id, {
        to: MOVES.taskDone.to,
        from: MOVES.taskDone.from,
        guard: { field: F.pollN, equals: String(n) },
        set: {
          [F.videoUrl]: seen.videoUrl,
          [F.upstreamStatus]: seen.upstreamStatus ?? 'completed',
          [F.progress]: 1,
        },
        increment: F.attempt('poll'),
        slot: 'release',
      });
      if (!r.ok) return refused(record.id, r, 'completion already handled');
      await addSink(record.id);
      return { ok: true };
    },

    /** urlRefreshed: the sink read a fresh video URL from the task. */
    async urlRefreshed(id: string, videoUrl: string): Promise<boolean> {
      return (await writer.move(id, { from: MOVES.urlRefreshed.from, set: { [F.videoUrl]: videoUrl } })).ok;
    },

    /** stored: copying → succeeded with the S3 object; queues generation.succeeded. */
    async stored(
      record: Pick<RecordCore, 'id' | 'wants'>,
      output: GenerationOutput,
      sinkAttempts: number,
    ): Promise<Outcome> {
      const r = await writer.move(record.id, {
        to: MOVES.stored.to,
        from: MOVES.stored.from,
        set: {
          [F.output]: JSON.stringify(output),
          // BullMQ counts the attempts; the record takes the count with the result (no extra write).
          [F.attempt('sink')]: sinkAttempts,
          ...openDelivery(record, 'generation.succeeded'),
        },
        unset: [F.videoUrl],
      });
      if (!r.ok) return refused(record.id, r, 'generation moved on during copy');
      await queueEvent(queues, record, MOVES.stored.event);
      return { ok: true };
    },

    /**
     * fail: an active generation ends failed, once (a duplicate job sends no second event); its
     * slot is freed and generation.failed queued. `by` names the job run that failed it, so only a
     * retry of that job can resume it. Refused, it still makes sure the current ending's event is
     * queued: the refusal may be this very write run twice (ioredis resends an unanswered command).
     */
    async fail(
      record: Pick<RecordCore, 'id' | 'wants'>,
      error: GenerationError,
      by?: FailedBy,
    ): Promise<Outcome> {
      const r = await writer.move(record.id, {
        to: MOVES.fail.to,
        from: MOVES.fail.from,
        set: {
          [F.error]: JSON.stringify(error),
          ...openDelivery(record, 'generation.failed'),
          ...(by ? { [F.failedBy]: encodeFailedBy(by) } : {}),
        },
        unset: [F.submitIntentOpen],
        slot: 'release',
      });
      if (!r.ok) return refused(record.id, r, 'generation already ended');
      await queueEvent(queues, record, MOVES.fail.event);
      return { ok: true };
    },

    /**
     * resume: when this job run is an operator's retry of the run that failed the generation
     * resumably, the generation goes back to that stage's state (resumeState), rejoins the
     * deadline index with a fresh GENERATION_DEADLINE_MS and, when it polls again, gets a fresh
     * POLL_DEADLINE_MS. Returns the record as it now is (unchanged when this run is no retry).
     */
    async resume<R extends RecordCore>(
      record: R,
      stage: Exclude<StageName, 'notify'>,
      job: JobRun,
    ): Promise<R> {
      if (!isRetryOfFailure(record, stage, job)) return record;
      const to = resumeState(stage, record.upstream.taskId !== undefined);
      const pollDeadline = to === 'running' ? now() + schedule.deadlineMs : undefined;
      const r = await writer.move(record.id, {
        to,
        from: MOVES.resume.from,
        guard: { field: F.failedBy, equals: encodeFailedBy(record.failedBy!) },
        unset: [F.error, F.failedBy],
        ...(pollDeadline ? { set: { [F.deadline]: pollDeadline } } : {}),
        rejoinDeadlineMs: opts.generationDeadlineMs,
      });
      if (!r.ok) return record;
      const { error: _e, failedBy: _f, ...rest } = record;
      // R minus the error: what the record now holds (error and failedBy are optional in R).
      return { ...rest, state: to, ...(pollDeadline ? { deadlineAt: pollDeadline } : {}) } as R;
    },

    /**
     * cancel: any active generation ends canceled: the move comes first (so any stage that runs
     * later sees it and stops), then pending jobs are removed and generation.canceled is queued.
     * Vtrix documents no cancel call, so a task already running upstream finishes there, ignored.
     */
    async cancel(id: string): Promise<CancelResult> {
      const before = await store.getCore(id);
      if (!before) return undefined;
      if (isTerminal(before.state)) return { id, state: before.state, canceled: false };
      const r = await writer.move(id, {
        to: MOVES.cancel.to,
        from: MOVES.cancel.from,
        set: {
          [F.error]: JSON.stringify({
            stage: stageOfState(before.state),
            code: 'REELAY_CANCELED',
            message: 'canceled by request',
          } satisfies GenerationError),
          ...openDelivery(before, 'generation.canceled'),
        },
        slot: 'release',
      });
      if (!r.ok) return { id, state: r.reason === 'missing' ? before.state : r.current, canceled: false };
      await Promise.allSettled([
        queues.submit.remove(jobIds.submit(id)),
        queues.poll.remove(jobIds.poll(id, before.pollN)),
        queues.poll.remove(jobIds.poll(id, before.pollN + 1)),
        queues.sink.remove(jobIds.sink(id)),
      ]);
      await queueEvent(queues, before, MOVES.cancel.event);
      return { id, state: 'canceled', canceled: true };
    },

    /** The delivery track: one attempt logged and the event's delivery state set (never the state). */
    deliveryAttempted: writer.pushAttempt,
    /** The sweeper's bookkeeping: an overdue id whose record is gone or already ended. */
    forgetDeadline: writer.forgetDeadline,
    repair,
    ensureTerminalEvent,
  };
}

/** Whether a refused `submitting → running` write was this run's own, run twice. */
export function isOwnRunningWrite(
  record: Pick<RecordCore, 'state' | 'upstream'> | undefined,
  taskId: string,
): boolean {
  return record?.state === 'running' && record.upstream.taskId === taskId;
}
