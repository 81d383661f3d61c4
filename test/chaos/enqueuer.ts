/** For each idempotency key, the id each of its enqueues resolved with. */
export function idempotencyGroups(
  outcomes: readonly EnqueueOutcome[],
): Array<{ key: string; ids: string[] }> {
  const groups = new Map<string, string[]>();
  for (const o of outcomes) {
    // A batch's key maps to a batch, not a generation.
    if (!o.item.idempotencyKey || !o.id || o.item.members) continue;
    groups.set(o.item.idempotencyKey, [...(groups.get(o.item.idempotencyKey) ?? []), o.id]);
  }
  return [...groups].map(([key, ids]) => ({ key, ids }));
}

/**
 * Enqueues the plan at its steady rate through @reelay/producer, as a careful client would: a
 * call that fails (e.g. while Redis restarts) is retried a few times; keyed calls are safe to
 * retry, and an unkeyed retry may leave an unacknowledged record behind (reported, not required).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type GenerationRequest, isBudgetExceeded } from '@reelay/contracts';
import type { Producer } from '@reelay/producer';
import { MEDIA_MODES } from '../support/requests.ts';
import type { EnqueueItem } from './plan.ts';
import { tenantOf } from './tenants.ts';
import { atOffset } from './wait.ts';

const ATTEMPTS = 6;
const MODES = Object.values(MEDIA_MODES);

export type EnqueueOutcome = {
  item: EnqueueItem;
  /** The generation's id, or for a batch the batch's. */
  id?: string;
  /** A batch's member ids, in item order. */
  members?: string[];
  /** A batch canceled by the plan: the state cancelBatch answered with, or its error. */
  cancel?: string;
  created?: boolean;
  /** Calls made, retries included. */
  calls: number;
  error?: string;
  /** Refused by its tenant's budget: an answer, not a failure (never retried). */
  refusedByBudget?: boolean;
};

/** The request of plan item `index`: the media modes in turn, tagged so records can be told apart. */
export function requestFor(index: number): GenerationRequest {
  return MODES[index % MODES.length]!;
}

export async function runEnqueues(
  producer: Producer,
  plan: readonly EnqueueItem[],
  start: number,
  signal: AbortSignal,
  onAccepted: (id: string) => void,
  /** Where batches send batch.completed (their members inherit it). */
  batchWebhookUrl?: string,
): Promise<EnqueueOutcome[]> {
  const pending: Array<Promise<EnqueueOutcome>> = [];
  for (const item of plan) {
    await atOffset(start, item.at, signal);
    // Not awaited: a slow call (Redis restarting) must not hold back the rest of the plan.
    pending.push(
      (item.members
        ? createOne(producer, item, signal, batchWebhookUrl)
        : enqueueOne(producer, item, signal)
      ).then((outcome) => {
        if (item.members) for (const id of outcome.members ?? []) onAccepted(id);
        else if (outcome.id) onAccepted(outcome.id);
        return outcome;
      }),
    );
  }
  return Promise.all(pending);
}

/** The items of a batch plan item: each member as it would have been enqueued alone. */
export function batchItemsFor(members: readonly number[]) {
  return members.map((index) => ({
    request: requestFor(index),
    options: { metadata: { chaosIndex: index } },
  }));
}

/** cancelBatch, retried like an enqueue (a second cancel changes nothing): the state it left, or the error. */
async function cancelOne(producer: Producer, id: string, signal: AbortSignal): Promise<string> {
  let error = '';
  for (let calls = 1; calls <= ATTEMPTS && !signal.aborted; calls++) {
    try {
      return (await producer.cancelBatch(id))?.state ?? 'no such batch';
    } catch (e) {
      error = (e as Error).message;
      if (calls < ATTEMPTS) await delay(250 * 2 ** (calls - 1), undefined, { signal }).catch(() => {});
    }
  }
  return `cancel failed: ${error}`;
}

/** One batch, retried like an enqueue: its idempotency key makes a retry return the same batch. */
async function createOne(
  producer: Producer,
  item: EnqueueItem,
  signal: AbortSignal,
  webhookUrl: string | undefined,
): Promise<EnqueueOutcome> {
  const options = {
    tenant: tenantOf(item.index),
    metadata: { chaosBatch: item.index },
    ...(item.idempotencyKey ? { idempotencyKey: item.idempotencyKey } : {}),
    ...(webhookUrl ? { webhook: { url: webhookUrl } } : {}),
  };
  let error = '';
  let calls = 0;
  while (calls < ATTEMPTS && !signal.aborted) {
    calls++;
    try {
      const { id, created, generations } = await producer.createBatch(batchItemsFor(item.members!), options);
      const members = generations.map((g) => g.id);
      if (item.cancelAfterMs === undefined) return { item, id, created, members, calls };
      // A scheduled instant (like the plan's enqueue times), not a wait for some state.
      await delay(item.cancelAfterMs, undefined, { signal }).catch(() => {});
      return { item, id, created, members, calls, cancel: await cancelOne(producer, id, signal) };
    } catch (e) {
      if (isBudgetExceeded(e)) return { item, calls, refusedByBudget: true };
      error = (e as Error).message;
      if (calls < ATTEMPTS) await delay(250 * 2 ** (calls - 1), undefined, { signal }).catch(() => {});
    }
  }
  return { item, calls, error };
}

async function enqueueOne(
  producer: Producer,
  item: EnqueueItem,
  signal: AbortSignal,
): Promise<EnqueueOutcome> {
  const options = {
    tenant: tenantOf(item.index),
    metadata: { chaosIndex: item.index },
    ...(item.idempotencyKey ? { idempotencyKey: item.idempotencyKey } : {}),
  };
  let error = '';
  let calls = 0;
  while (calls < ATTEMPTS && !signal.aborted) {
    calls++;
    try {
      const { id, created } = await producer.enqueue(requestFor(item.index), options);
      return { item, id, created, calls };
    } catch (e) {
      if (isBudgetExceeded(e)) return { item, calls, refusedByBudget: true };
      error = (e as Error).message;
      if (calls < ATTEMPTS) await delay(250 * 2 ** (calls - 1), undefined, { signal }).catch(() => {});
    }
  }
  return { item, calls, error };
}
