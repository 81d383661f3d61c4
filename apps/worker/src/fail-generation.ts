import type { EventType, GenerationError, GenerationState, StageName } from '@reelay/contracts';
import { enqueueEvent, F, type GenerationRecord, pendingDelivery } from '@reelay/core';
import type { StageDeps } from './deps.ts';

const ACTIVE: GenerationState[] = ['queued', 'submitting', 'running', 'copying'];

/**
 * Ends a generation as failed, once: the compare-and-set refuses if it already ended (so a
 * duplicate job sends no second event). Frees its upstream slot and queues generation.failed.
 */
export async function failGeneration(
  deps: StageDeps,
  record: Pick<GenerationRecord, 'id' | 'webhook'>,
  error: GenerationError,
): Promise<boolean> {
  const moved = await deps.store.update(record.id, {
    to: 'failed',
    from: ACTIVE,
    set: { [F.error]: JSON.stringify(error), ...pendingDelivery(record, 'generation.failed') },
    unset: [F.submitIntentOpen],
  });
  await deps.store.releaseSlot(record.id);
  if (!moved.ok) return false;
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
 * An operator retried a failed job of this stage: when the generation failed resumably here,
 * bring it back to this stage's state (the one sanctioned move out of `failed`).
 */
export async function resumeIfRetried(
  deps: StageDeps,
  record: GenerationRecord,
  stage: Exclude<StageName, 'notify'>,
): Promise<GenerationRecord> {
  if (record.state !== 'failed' || record.error?.stage !== stage || !record.error.resumable) return record;
  const to = STAGE_STATE[stage];
  // A resumed poll gets a fresh deadline, or it would give up again at once.
  const set: Record<string, number> =
    stage === 'poll' ? { [F.deadline]: deps.now() + deps.poll.deadlineMs } : {};
  const moved = await deps.store.update(record.id, { to, from: ['failed'], unset: [F.error], set });
  if (!moved.ok) return record;
  deps.log.info({ generationId: record.id, stage }, 'generation resumed by a retried job');
  const { error: _e, ...rest } = record;
  return { ...rest, state: to, ...(stage === 'poll' ? { deadlineAt: Number(set[F.deadline]) } : {}) };
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
export async function ensureTerminalEvent(deps: StageDeps, record: GenerationRecord): Promise<void> {
  const event = TERMINAL_EVENT[record.state];
  if (event) await enqueueEvent(deps.queues, record, event);
}
