import {
  type Batch,
  type BatchCounts,
  type BatchGenerationsPage,
  type BatchState,
  type DeliveryAttempt,
  type DeliveryState,
  fromMicroUsd,
  GENERATION_STATES,
  type GenerationState,
  type Metadata,
  type WebhookTarget,
} from '@reelay/contracts';
import type { Redis } from 'ioredis';
import { F } from './record-codec.ts';
import { recordKeys } from './topology.ts';

/**
 * A batch's hash (lua/create.lua writes it, lua/move.lua moves its counts): one field per member
 * state, named as the state, and these. This file is the one place that reads them.
 */
export const B = {
  tenant: 'tn',
  created: 'c',
  state: 'st',
  total: 'tot',
  /** When its last member ended (ms). */
  finished: 'fin',
  /** µUSD: the members' estimates, and what their endings settled. */
  costEstimate: 'ce',
  costActual: 'ca',
  /** How often every member has ended. */
  round: 'rd',
  /** 1 when its webhook target wants batch.completed. */
  wants: 'w',
  /** 1 once a cancel was asked: the batch then ends `canceled`. */
  cancel: 'cx',
  /** batch.completed's delivery state in this round. */
  delivery: 'd',
  manifestBucket: 'mb',
  manifestKey: 'mk',
  /** The round whose results file is written. */
  manifestRound: 'mr',
} as const;

/** What a batch was made with, beside its hash (the input key). */
export type BatchInput = { webhook?: WebhookTarget; metadata?: Metadata; idempotencyKey?: string };

/** A batch as the worker sees it: the public view plus the delivery bookkeeping. */
export type BatchRecord = Batch & {
  wantsCompleted: boolean;
  delivery?: DeliveryState;
  manifestRound: number;
};

export function decodeBatch(
  id: string,
  h: Record<string, string>,
  rawInput: string | null,
): BatchRecord | undefined {
  if (!h[B.state]) return undefined;
  const counts = { total: Number(h[B.total] ?? 0) } as BatchCounts;
  for (const s of GENERATION_STATES) counts[s] = Number(h[s] ?? 0);
  const input = rawInput ? (JSON.parse(rawInput) as BatchInput) : {};
  const batch: BatchRecord = {
    id,
    tenant: h[B.tenant] ?? 'default',
    state: h[B.state] as BatchState,
    counts,
    created: Number(h[B.created]),
    costUsd: {
      estimated: fromMicroUsd(Number(h[B.costEstimate] ?? 0)),
      actual: fromMicroUsd(Number(h[B.costActual] ?? 0)),
    },
    round: Number(h[B.round] ?? 0),
    wantsCompleted: h[B.wants] === '1',
    manifestRound: Number(h[B.manifestRound] ?? 0),
  };
  if (h[B.finished]) batch.completed = Number(h[B.finished]);
  if (input.metadata) batch.metadata = input.metadata;
  if (input.webhook) batch.webhook = input.webhook;
  if (input.idempotencyKey) batch.idempotencyKey = input.idempotencyKey;
  // Only the current round's file: after a member resumed, the last one no longer tells the end.
  const [bucket, key] = [h[B.manifestBucket], h[B.manifestKey]];
  if (bucket && key && batch.manifestRound === batch.round && batch.state !== 'in_progress')
    batch.manifest = { bucket, key };
  if (h[B.delivery]) batch.delivery = h[B.delivery] as DeliveryState;
  return batch;
}

/** The public view: the bookkeeping stripped. */
export function toBatch(record: BatchRecord): Batch {
  const { wantsCompleted: _w, delivery: _d, manifestRound: _m, ...batch } = record;
  return batch;
}

/** Pages of a batch's members: the cursor is the index of the next one. */
export const MAX_PAGE = 1_000;
export const DEFAULT_PAGE = 100;

export type BatchStore = ReturnType<typeof createBatchStore>;

/** Reads batches. Writing them is the lifecycle's (create.lua, move.lua, the batch verbs). */
export function createBatchStore(redis: Redis, opts: { prefix: string }) {
  const keys = recordKeys(opts.prefix);

  async function get(id: string): Promise<BatchRecord | undefined> {
    const [h, input] = await Promise.all([redis.hgetall(keys.batch(id)), redis.get(keys.batchInput(id))]);
    return decodeBatch(id, h, input);
  }

  /** Member ids from index `start`, at most `count`. */
  function memberIds(id: string, start: number, count: number): Promise<string[]> {
    return redis.lrange(keys.batchMembers(id), start, start + count - 1);
  }

  /** The states of these generations, in order (`expired` for a record gone). */
  async function statesOf(ids: readonly string[]): Promise<Array<GenerationState | 'expired'>> {
    const states = await Promise.all(ids.map((g) => redis.hget(keys.record(g), F.state)));
    return states.map((s) => (s ?? 'expired') as GenerationState | 'expired');
  }

  return {
    keys,
    get,
    memberIds,
    statesOf,
    /** One page of members with their states; `cursor` as returned by the previous page. */
    async members(
      id: string,
      page: { cursor?: string | undefined; limit?: number | undefined } = {},
    ): Promise<BatchGenerationsPage> {
      const start = page.cursor ? Number.parseInt(page.cursor, 10) : 0;
      const limit = Math.min(page.limit ?? DEFAULT_PAGE, MAX_PAGE);
      const ids = await memberIds(id, start, limit + 1);
      const more = ids.length > limit;
      const shown = more ? ids.slice(0, limit) : ids;
      const states = await statesOf(shown);
      const items = shown.map((g, i) => ({ id: g, state: states[i]! }));
      return more ? { items, cursor: String(start + limit) } : { items };
    },
    /** Delivery attempts of batch.completed (newest last). */
    async deliveryAttempts(id: string): Promise<Array<DeliveryAttempt & { round?: number }>> {
      const list = await redis.lrange(keys.batchDeliveries(id), 0, -1);
      return list.map((l) => JSON.parse(l) as DeliveryAttempt & { round?: number });
    },
    /** The most recent batches, newest first; ids whose batch expired are pruned as they are met. */
    async recent(limit = 50): Promise<BatchRecord[]> {
      const ids = await redis.zrevrange(keys.batches, 0, limit - 1);
      const found = await Promise.all(ids.map(get));
      const gone = ids.filter((_, i) => !found[i]);
      if (gone.length) await redis.zrem(keys.batches, ...gone);
      return found.filter((b): b is BatchRecord => b !== undefined);
    },
  };
}
