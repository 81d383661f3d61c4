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
import { DEFAULT_POLL_SCHEDULE, type PollSchedule, pollDelay } from '../poll-schedule.ts';
import type { StageQueues } from '../queues.ts';
import { encodeFailedBy, F, type FailedBy, type RecordCore } from '../record-codec.ts';
import { createStatusStore, type NewGeneration } from '../status-store.ts';
import type { TenantRepair } from '../tenant-store.ts';
import { openDelivery, queueEvent } from './delivery.ts';
import {
  type CreateResult,
  createRecordWriter,
  type MoveResult,
  type MoveSpec,
  type NewBatch,
} from './record-writer.ts';
import { createRepair } from './repair.ts';
import { isRetryOfFailure, type JobRun } from './resume.ts';
import { MOVES, type Move, type MoveName, resumeState } from './transitions.ts';

export type LifecycleOptions = {
  prefix: string;
  recordRetentionS: number;
  idempotencyTtlS: number;
  /** A generation not terminal this long after enqueue (or after a resume) is failed by the sweeper. */
  generationDeadlineMs: number;
  /** When polls are added (the worker's POLL_* settings). @defaultValue the POLL_* defaults */
  poll?: PollSchedule;
  /**
   * The MAX_IN_FLIGHT the gate grants under (workers pass theirs, and publish it for producers).
   * Unset: the limit the workers published; with none published yet, a producer grants nothing
   * and the workers' gate picks the work up. 0: no limit.
   */
  maxInFlight?: number;
  /**
   * GRANT_AHEAD: the most generations granted whose submit has not started (the submit queue's
   * length). Workers pass theirs and publish it with MAX_IN_FLIGHT. @defaultValue 64
   */
  grantAhead?: number;
  now?: () => number;
  random?: () => number;
};

/** What a verb did: moved, or was refused (and what the repair after it made sure of). */
export type Outcome =
  | { ok: true }
  | { ok: false; reason: 'state' | 'guard' | 'missing'; current?: GenerationState; repaired: string };

export type CancelResult = { id: string; state: GenerationState; canceled: boolean } | undefined;

export type Lifecycle = ReturnType<typeof createLifecycle>;

/** Members read and canceled at once by cancelBatch. */
const CANCEL_PAGE = 200;
/** Grants per gate call: bounds how long one script holds Redis (2,000 queued take 4 calls). */
const GRANTS_PER_CALL = 500;
/** GRANT_AHEAD's default: enough granted submits waiting to keep 16 submitting processes busy. */
export const DEFAULT_GRANT_AHEAD = 64;

export function createLifecycle(redis: Redis, queues: StageQueues, opts: LifecycleOptions) {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  // Producers add no polls; workers pass their POLL_* settings.
  const schedule = opts.poll ?? DEFAULT_POLL_SCHEDULE;
  const grantAhead = opts.grantAhead ?? DEFAULT_GRANT_AHEAD;
  const writer = createRecordWriter(redis, { ...opts, now });
  const store = createStatusStore(redis, { prefix: opts.prefix });

  const { addPoll, addSink, repair, ensureTerminalEvent } = createRepair({
    store,
    writer,
    queues,
    schedule,
    now,
    random,
  });

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
   * Makes move `name` as the table says: its from and to states, its upstream slot, the delivery
   * track of its event (opened in the same write) and its deadline-index effect all come from
   * MOVES; the verb adds only the move's own fields (and, where the table leaves them open, the
   * state it read or the state it resumes to).
   */
  async function make(
    name: MoveName,
    record: Pick<RecordCore, 'id' | 'wants'>,
    fields: Pick<MoveSpec, 'guard' | 'set' | 'unset' | 'increment'>,
    at: {
      from?: readonly GenerationState[];
      to?: GenerationState;
      slotLimit?: number;
      dispatch?: boolean;
    } = {},
  ): Promise<MoveResult> {
    const result = await write(name, record, fields, at);
    if (!result.ok) return result;
    // The last member of a batch ended: its results file and batch.completed are due. A crash
    // before the job is added leaves the batch in batches:finishing, where sweepBatches finds it.
    if (result.finishedBatch)
      await addBatchFinish(result.finishedBatch.id, result.finishedBatch.round).catch(() => undefined);
    // A slot given back may be the one a queued generation waits for (its tenant's cap too); a
    // submit that starts makes room in the grant-ahead window.
    if (at.dispatch !== false && ((MOVES[name] as Move).slot === 'release' || name === 'startSubmit'))
      await dispatch().catch(() => 0);
    return result;
  }

  /** The job that writes a finished batch's results file, then delivers batch.completed. */
  function addBatchFinish(batchId: string, round: number) {
    return queues.notify.add(
      'batch.completed',
      { batchId, event: 'batch.completed', round },
      { jobId: jobIds.batchCompleted(batchId, round) },
    );
  }

  function write(
    name: MoveName,
    record: Pick<RecordCore, 'id' | 'wants'>,
    fields: Pick<MoveSpec, 'guard' | 'set' | 'unset' | 'increment'>,
    at: { from?: readonly GenerationState[]; to?: GenerationState; slotLimit?: number },
  ): Promise<MoveResult> {
    const move: Move = MOVES[name];
    const to = at.to ?? (move.to === 'same' || move.to === 'stage' ? undefined : move.to);
    const slot = move.slot === 'release' ? 'release' : move.slot === 'take' ? (at.slotLimit ?? 0) : undefined;
    return writer.move(record.id, {
      ...fields,
      set: { ...fields.set, ...(move.event ? openDelivery(record, move.event) : {}) },
      from: at.from ?? move.from,
      ...(to ? { to } : {}),
      ...(slot !== undefined ? { slot } : {}),
      ...(move.deadline === 'join' ? { rejoinDeadlineMs: opts.generationDeadlineMs } : {}),
    });
  }

  /**
   * A move with what follows it: made, then its next job added and its event queued; refused,
   * the repair. `ownReplay` tells a refusal that is this very write run twice (carry on) apart.
   */
  async function moveOn(
    name: MoveName,
    record: Pick<RecordCore, 'id' | 'wants'>,
    fields: Pick<MoveSpec, 'guard' | 'set' | 'unset' | 'increment'>,
    why: string,
    then: { next?: () => Promise<unknown>; ownReplay?: () => Promise<boolean> } = {},
  ): Promise<Outcome> {
    const r = await make(name, record, fields);
    if (!r.ok && !(then.ownReplay && (await then.ownReplay()))) return refused(record.id, r, why);
    await then.next?.();
    const event = (MOVES[name] as Move).event;
    if (event) await queueEvent(queues, record, event);
    return { ok: true };
  }

  const addSubmits = (ids: readonly string[]) =>
    queues.submit.addBulk(
      ids.map((id) => ({ name: 'submit', data: { generationId: id }, opts: { jobId: jobIds.submit(id) } })),
    );

  /**
   * grant (the tenant gate): free slots go to queued generations by the tenants' weights, caps
   * and pauses (grant.lua), then their submit jobs are added. A crash between the two leaves the
   * grant in tenants:granted, where sweepGrants finds it. Returns how many it granted (at most
   * `most`).
   */
  async function dispatch(most = Number.POSITIVE_INFINITY): Promise<number> {
    let limits = opts.maxInFlight === undefined ? undefined : { maxInFlight: opts.maxInFlight, grantAhead };
    if (!limits) {
      const [max, ahead] = await redis.hmget(writer.keys.gate, 'max', 'ahead');
      if (max === null) return 0;
      limits = { maxInFlight: Number(max), grantAhead: ahead === null ? DEFAULT_GRANT_AHEAD : Number(ahead) };
    }
    let granted = 0;
    while (granted < most) {
      const asked = Math.min(GRANTS_PER_CALL, most - granted);
      const ids = await writer.grant(limits, asked);
      if (ids.length) await addSubmits(ids);
      granted += ids.length;
      if (ids.length < asked) break;
    }
    return granted;
  }

  return {
    /**
     * enqueue: records, each in its tenant's queue, budgets reserved (one atomic script, all or
     * none), then the gate runs: the generations it grants a slot get their submit jobs.
     */
    async enqueue(items: readonly NewGeneration[]): Promise<CreateResult[]> {
      const results = await writer.create(items);
      // The generations are safe in their tenants' queues: a failed dispatch only delays them.
      await dispatch().catch(() => 0);
      return results;
    },

    /**
     * createBatch: the batch and its members in one step (create.lua: all or none, budgets
     * reserved, counts started), then the gate runs. `{ replayOf }` when the batch's idempotency
     * key names a batch made from the same call (nothing was written).
     */
    async createBatch(
      batch: NewBatch,
      items: readonly NewGeneration[],
    ): Promise<CreateResult[] | { replayOf: string }> {
      const results = await writer.createBatch(batch, items);
      if (!('replayOf' in results)) await dispatch().catch(() => 0);
      return results;
    },

    /**
     * cancelBatch: the batch is marked to end `canceled`, then every member not yet terminal is
     * canceled (as `cancel` does one). False when the batch is not in progress (nothing changes).
     * A call cut short leaves the rest active: calling it again cancels them.
     */
    async cancelBatch(batchId: string): Promise<{ marked: boolean; canceled: number }> {
      const marked = await writer.markBatchCanceled(batchId);
      if (!marked) return { marked, canceled: 0 };
      let canceled = 0;
      for (let start = 0; ; start += CANCEL_PAGE) {
        const ids = await redis.lrange(writer.keys.batchMembers(batchId), start, start + CANCEL_PAGE - 1);
        // cancelOne reads each record and leaves an ended or missing one as it is.
        const results = await Promise.all(ids.map((g) => cancelOne(g, false)));
        canceled += results.filter((r) => r?.canceled).length;
        if (ids.length < CANCEL_PAGE) break;
      }
      // Queued members gave back no slot, canceled running ones did: the gate runs once.
      await dispatch().catch(() => 0);
      return { marked, canceled };
    },

    /** Records the results file of a batch's round (the notify stage, before batch.completed). */
    recordManifest: writer.recordManifest,
    /** The batch.completed delivery track: one attempt logged and the delivery state set. */
    batchDeliveryAttempted: writer.pushBatchAttempt,

    /**
     * Repairs finished batches whose results job may have been lost (a crash between the move
     * that finished the batch and adding the job): one finished longer than `olderThanMs` ago
     * and still waiting gets its job again (its id makes that a no-op while the job exists).
     */
    async sweepBatches(olderThanMs: number): Promise<number> {
      const ids = await redis.zrangebyscore(
        writer.keys.batchesFinishing,
        '-inf',
        now() - olderThanMs,
        'LIMIT',
        0,
        100,
      );
      let repaired = 0;
      for (const id of ids) {
        const [state, round] = await redis.hmget(writer.keys.batch(id), 'st', 'rd');
        if (!state || state === 'in_progress' || !round) {
          await redis.zrem(writer.keys.batchesFinishing, id);
          continue;
        }
        await addBatchFinish(id, Number(round));
        repaired++;
      }
      return repaired;
    },

    dispatch,

    /** Workers say what MAX_IN_FLIGHT the gate grants under, for producers that run it too. */
    async publishMaxInFlight(): Promise<void> {
      if (opts.maxInFlight !== undefined)
        await redis.hset(writer.keys.gate, 'max', opts.maxInFlight, 'ahead', grantAhead);
    },

    /**
     * Repairs grants whose submit job may have been lost (a crash between grant.lua and adding
     * the job): a grant older than `olderThanMs` still `queued` gets its job again (its id makes
     * that a no-op when it exists); one whose record is gone gives its slot back.
     */
    async sweepGrants(olderThanMs: number): Promise<number> {
      const ids = await redis.zrangebyscore(
        writer.keys.tenantsGranted,
        '-inf',
        now() - olderThanMs,
        'LIMIT',
        0,
        500,
      );
      let repaired = 0;
      for (const id of ids) {
        const state = await redis.hget(writer.keys.record(id), F.state);
        if (state === 'queued') {
          await addSubmits([id]);
          repaired++;
        } else if (state === null) await writer.releaseSlot(id);
        else await redis.zrem(writer.keys.tenantsGranted, id);
      }
      return repaired;
    },

    /** Tenant settings, applied at the gate in the same step (tenant-set.lua). */
    setTenant: writer.setTenant,

    /**
     * Repairs a tenant's counters from its records (a leaked slot, a stale queue entry, a
     * reservation that drifted), then runs the gate: a freed slot may be granted at once.
     */
    async reconcileTenant(name: string): Promise<TenantRepair> {
      const repaired = await writer.reconcileTenant(name);
      await dispatch().catch(() => 0);
      return repaired;
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
      const r = await make(
        'startSubmit',
        { id: record.id, wants: [] },
        { increment: F.submitIntents, set: { [F.submitIntentOpen]: now() } },
        { from: [from], slotLimit: maxInFlight },
      );
      if (r.ok) return { ok: true };
      if (r.reason === 'slot') return { ok: false, wait: 'no slot' };
      if (r.reason === 'state' && r.current === 'submitting') return { ok: false, wait: 'busy' };
      return refused(record.id, r, 'generation changed before submit') as Promise<
        Extract<Outcome, { ok: false }>
      >;
    },

    /** createAnswered: the create got an HTTP answer that made no task (4xx, 429): the intent closes. */
    async createAnswered(id: string): Promise<boolean> {
      return (await make('createAnswered', { id, wants: [] }, { unset: [F.submitIntentOpen] })).ok;
    },

    /** taskCreated: submitting → running with the task id; adds poll 1, queues generation.running. */
    async taskCreated(record: Pick<RecordCore, 'id' | 'wants'>, taskId: string): Promise<Outcome> {
      return moveOn(
        'taskCreated',
        record,
        { unset: [F.submitIntentOpen], set: { [F.taskId]: taskId, [F.submittedAt]: now(), [F.pollN]: 1 } },
        'generation moved on during create',
        {
          next: () => addPoll(record.id, 1, pollDelay(schedule, 1, 0, random)),
          // Refused, yet the record holds this very task: the write ran and its reply was lost,
          // and ioredis sent it again after reconnecting (task ids are unique per create).
          ownReplay: async () => isOwnRunningWrite(await store.getCore(record.id), taskId),
        },
      );
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
      return moveOn(
        'polled',
        { id: record.id, wants: [] },
        { guard: { field: F.pollN, equals: String(n) }, set, increment: F.attempt('poll') },
        'poll superseded',
        { next: () => addPoll(record.id, n + 1, seen.delayMs) },
      );
    },

    /** taskDone: poll n saw the task completed: running → copying, the slot is freed, sink added. */
    async taskDone(
      record: Pick<RecordCore, 'id'>,
      n: number,
      seen: { videoUrl: string; upstreamStatus?: string | undefined; costMicroUsd?: number | undefined },
    ): Promise<Outcome> {
      return moveOn(
        'taskDone',
        { id: record.id, wants: [] },
        {
          guard: { field: F.pollN, equals: String(n) },
          set: {
            [F.videoUrl]: seen.videoUrl,
            [F.upstreamStatus]: seen.upstreamStatus ?? 'completed',
            [F.progress]: 1,
            ...(seen.costMicroUsd !== undefined ? { [F.costReported]: seen.costMicroUsd } : {}),
          },
          increment: F.attempt('poll'),
        },
        'completion already handled',
        { next: () => addSink(record.id) },
      );
    },

    /** urlRefreshed: the sink read a fresh video URL from the task. */
    async urlRefreshed(id: string, videoUrl: string): Promise<boolean> {
      return (await make('urlRefreshed', { id, wants: [] }, { set: { [F.videoUrl]: videoUrl } })).ok;
    },

    /** stored: copying → succeeded with the S3 object; queues generation.succeeded. */
    async stored(
      record: Pick<RecordCore, 'id' | 'wants'>,
      output: GenerationOutput,
      sinkAttempts: number,
    ): Promise<Outcome> {
      return moveOn(
        'stored',
        record,
        {
          set: {
            [F.output]: JSON.stringify(output),
            // BullMQ counts the attempts; the record takes the count with the result (no extra write).
            [F.attempt('sink')]: sinkAttempts,
          },
          unset: [F.videoUrl],
        },
        'generation moved on during copy',
      );
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
      /** What the upstream reported the failed task cost (µUSD): settled against the budget. */
      costMicroUsd?: number,
    ): Promise<Outcome> {
      return moveOn(
        'fail',
        record,
        {
          set: {
            [F.error]: JSON.stringify(error),
            ...(by ? { [F.failedBy]: encodeFailedBy(by) } : {}),
            ...(costMicroUsd !== undefined ? { [F.costReported]: costMicroUsd } : {}),
          },
          unset: [F.submitIntentOpen],
        },
        'generation already ended',
      );
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
      const r = await make(
        'resume',
        record,
        {
          guard: { field: F.failedBy, equals: encodeFailedBy(record.failedBy!) },
          unset: [F.error, F.failedBy],
          ...(pollDeadline ? { set: { [F.deadline]: pollDeadline } } : {}),
        },
        { to },
      );
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
    cancel: (id: string): Promise<CancelResult> => cancelOne(id, true),

    /** The delivery track: one attempt logged and the event's delivery state set (never the state). */
    deliveryAttempted: writer.pushAttempt,
    /** The sweeper's bookkeeping: an overdue id whose record is gone or already ended. */
    forgetDeadline: writer.forgetDeadline,
    repair,
    ensureTerminalEvent,
  };

  /** cancel, for one generation; `withDispatch` false when the caller runs the gate once after many. */
  async function cancelOne(id: string, withDispatch: boolean): Promise<CancelResult> {
    const before = await store.getCore(id);
    if (!before) return undefined;
    if (isTerminal(before.state)) return { id, state: before.state, canceled: false };
    const r = await make(
      'cancel',
      before,
      {
        set: {
          [F.error]: JSON.stringify({
            stage: stageOfState(before.state),
            code: 'REELAY_CANCELED',
            message: 'canceled by request',
          } satisfies GenerationError),
        },
      },
      { dispatch: withDispatch },
    );
    if (!r.ok) return { id, state: r.reason === 'missing' ? before.state : r.current, canceled: false };
    await Promise.allSettled([
      queues.submit.remove(jobIds.submit(id)),
      queues.poll.remove(jobIds.poll(id, before.pollN)),
      queues.poll.remove(jobIds.poll(id, before.pollN + 1)),
      queues.sink.remove(jobIds.sink(id)),
    ]);
    await queueEvent(queues, before, MOVES.cancel.event);
    return { id, state: 'canceled', canceled: true };
  }
}

/** Whether a refused `submitting → running` write was this run's own, run twice. */
export function isOwnRunningWrite(
  record: Pick<RecordCore, 'state' | 'upstream'> | undefined,
  taskId: string,
): boolean {
  return record?.state === 'running' && record.upstream.taskId === taskId;
}
