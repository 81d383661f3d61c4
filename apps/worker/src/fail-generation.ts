import type { EventType, GenerationError, GenerationState, StageName } from '@reelay/contracts';
import {
  encodeFailedBy,
  enqueueEvent,
  F,
  type FailedBy,
  pendingDelivery,
  type RecordCore,
} from '@reelay/core';
import type { StageDeps } from './deps.ts';

const ACTIVE: GenerationState[] = ['queued', 'submitting', 'running', 'copying'];

/**
 * Ends a generation as failed, once: the compare-and-set refuses if it already ended (so a
 * duplicate job sends no second event). Frees its upstream slot and queues generation.failed.
 * `by` names the job run that failed it, so only a retry of that job can resume it.
 */
export async function failGeneration(
  deps: StageDeps,
  record: Pick<RecordCore, 'id' | 'wants'>,
  error: GenerationError,
  by?: FailedBy,
): Promise<boolean> {
  const moved = await deps.store.update(record.id, {
    to: 'failed',
    from: ACTIVE,
    set: {
      [F.error]: JSON.stringify(error),
      ...pendingDelivery(record, 'generation.failed'),
      ...(by ? { [F.failedBy]: encodeFailedBy(by) } : {}),
    },
    unset: [F.submitIntentOpen],
  });
  await deps.store.releaseSlot(record.id);
  if (!moved.ok) {
    // Refused because the generation had already ended: maybe by this very write, run a second
    // time after its reply was lost (ioredis sends unanswered commands again on reconnect). Its
    // event must still be queued; the event's job id makes this a no-op when it was.
    if (moved.reason !== 'missing') await ensureTerminalEvent(deps, { ...record, state: moved.current });
    return false;
  }
  deps.log.warn(
    { generationId: record.id, stage: error.stage, code: error.code, upstreamCode: error.upstreamCode },
    `generation failed: ${error.message}`,
  );
  await enqueueEvent(deps.queues, record, 'generation.failed');
  return true;
}

const STAGE_STATE: Record<Exclude<StageName, 'notify'>, GenerationState> = {
  submit: 'submitting',
  poll: 'running',
  sink: 'copying',
};

/**
 * Whether this run of a job is a retry (an operator's, from the failed set) of the job run that
 * failed the generation. BullMQ counts an attempt when a job finishes, not when a stalled job is
 * re-run: a worker that failed the generation and died before BullMQ recorded the job as failed
 * leaves a re-run with the same count, and that re-run must not bring the generation back (its
 * generation.failed is already on its way). Other jobs of the generation (a late, older poll)
 * never resume it either.
 */
export function isRetryOfFailure(
  record: Pick<RecordCore, 'state' | 'error' | 'failedBy'>,
  job: { id?: string | undefined; attemptsMade: number },
): boolean {
  return (
    record.state === 'failed' &&
    record.error?.resumable === true &&
    record.failedBy !== undefined &&
    record.failedBy.jobId === job.id &&
    job.attemptsMade > record.failedBy.attemptsMade
  );
}

/**
 * An operator retried the failed job of this stage that ended the generation resumably: bring
 * the generation back to this stage's state (the one sanctioned move out of `failed`).
 */
export async function resumeIfRetried<R extends RecordCore>(
  deps: StageDeps,
  record: R,
  stage: Exclude<StageName, 'notify'>,
  job: { id?: string | undefined; attemptsMade: number },
): Promise<R> {
  if (record.error?.stage !== stage || !isRetryOfFailure(record, job)) return record;
  const to = STAGE_STATE[stage];
  // A resumed poll gets a fresh deadline, or it would give up again at once.
  const set: Record<string, number> =
    stage === 'poll' ? { [F.deadline]: deps.now() + deps.poll.deadlineMs } : {};
  const moved = await deps.store.update(record.id, {
    to,
    from: ['failed'],
    guard: { field: F.failedBy, equals: encodeFailedBy(record.failedBy!) },
    unset: [F.error, F.failedBy],
    set,
  });
  if (!moved.ok) return record;
  deps.log.info({ generationId: record.id, stage }, 'generation resumed by a retried job');
  const { error: _e, failedBy: _f, ...rest } = record;
  // R minus the error: what the record now holds (error and failedBy are optional in R).
  return { ...rest, state: to, ...(stage === 'poll' ? { deadlineAt: Number(set[F.deadline]) } : {}) } as R;
}

const TERMINAL_EVENT: Partial<Record<GenerationState, EventType>> = {
  succeeded: 'generation.succeeded',
  failed: 'generation.failed',
  canceled: 'generation.canceled',
};

/**
 * A stage that finds its generation already ended makes sure the ending's event is queued: a
 * crash may have come between the state change and queueing it. The event's job id makes this
 * a no-op when it was queued.
 */
export async function ensureTerminalEvent(
  deps: StageDeps,
  record: Pick<RecordCore, 'id' | 'wants' | 'state'>,
): Promise<void> {
  const event = TERMINAL_EVENT[record.state];
  if (event) await enqueueEvent(deps.queues, record, event);
}
