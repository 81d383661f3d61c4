import type { GenerationRequest, GenerationState } from '@reelay/contracts';
import type { Redis } from 'ioredis';
import {
  type DeliveryAttemptEntry,
  decodeCore,
  decodeRecord,
  type GenerationRecord,
  type RecordCore,
  type StoredOptions,
} from './record-codec.ts';
import { recordKeys } from './topology.ts';

export type NewGeneration = {
  id: string;
  request: GenerationRequest;
  options: StoredOptions;
  fingerprint: string;
  /** Whose it is. @defaultValue DEFAULT_TENANT */
  tenant?: string;
  /** Reserved against the tenant's budget until it ends (µUSD; estimateMicroUsd). @defaultValue 0 */
  estimateMicroUsd?: number;
};
/** One state change; `batchId` when the generation is a batch member (lua/move.lua publishes it). */
export type StateChange = { id: string; state: GenerationState; at: number; batchId?: string };

// Imported here, not at the top, only to keep this block self-contained (a concurrent edit).
import { brandError, type ReelayErrorCode } from '@reelay/contracts';

/** The idempotency key already names a generation made from a different request. */
export class IdempotencyConflictError extends Error {
  readonly code = 'REELAY_IDEMPOTENCY_CONFLICT' satisfies ReelayErrorCode;
  readonly index: number;
  readonly existingId: string;
  /** `index` -1: the key of the batch itself (`existingId` is then a batch id). */
  constructor(index: number, existingId: string) {
    super(
      index < 0
        ? `the batch's idempotency key was already used for ${existingId} with different items or options`
        : `idempotency key of item ${index} was already used for ${existingId} with a different request`,
    );
    this.name = 'IdempotencyConflictError';
    this.index = index;
    this.existingId = existingId;
  }
}
export const isIdempotencyConflict = brandError('idempotency.conflict', IdempotencyConflictError);

export type StatusStore = ReturnType<typeof createStatusStore>;

/**
 * Reads status records. Writing them is the lifecycle's alone (lifecycle/lifecycle.ts): this
 * store has no method that changes a record.
 */
export function createStatusStore(redis: Redis, opts: { prefix: string; now?: () => number }) {
  const keys = recordKeys(opts.prefix);
  const now = opts.now ?? Date.now;

  /**
   * Reads a record and its input; the commands go out together, so it costs one round trip.
   * Stages pass `{ attempts: false }`: they never need the delivery-attempt log. Not a
   * `pipeline()`: on a connection BullMQ shares, each pipeline copies BullMQ's ~60 script
   * commands onto itself (37 µs per read, against 13 µs). Not MULTI either: the input never
   * changes and the attempt log is history, so no snapshot is needed.
   */
  async function get(id: string, opts: { attempts?: boolean } = {}): Promise<GenerationRecord | undefined> {
    const [hash, input, list] = await Promise.all([
      redis.hgetall(keys.record(id)),
      redis.get(keys.input(id)),
      opts.attempts === false ? undefined : redis.lrange(keys.deliveries(id), 0, -1),
    ]);
    return decodeRecord(
      id,
      hash,
      input,
      (list ?? []).map((l) => JSON.parse(l) as DeliveryAttemptEntry),
    );
  }

  /**
   * Reads a record's hash alone (one command): all the poll and sink stages need. Everything but
   * the input (request, webhook target, metadata) and the delivery-attempt log.
   */
  async function getCore(id: string): Promise<RecordCore | undefined> {
    return decodeCore(id, await redis.hgetall(keys.record(id)), []);
  }

  /** Calls `onChange` for every state change of any generation under this prefix (a Redis channel). */
  async function subscribe(
    subscriber: Redis,
    onChange: (change: StateChange) => void,
  ): Promise<() => Promise<void>> {
    const listener = (channel: string, message: string) => {
      if (channel !== keys.stateChanges) return;
      const [id, state, at, batchId] = message.split(' ');
      if (id && state && at)
        onChange({ id, state: state as GenerationState, at: Number(at), ...(batchId ? { batchId } : {}) });
    };
    subscriber.on('message', listener);
    await subscriber.subscribe(keys.stateChanges);
    return async () => {
      subscriber.off('message', listener);
      await subscriber.unsubscribe(keys.stateChanges);
    };
  }

  return {
    keys,
    get,
    getCore,
    subscribe,
    async findIdByIdempotencyKey(key: string, tenant?: string): Promise<string | undefined> {
      const v = await redis.get(keys.idempotency(key, tenant));
      return v ? v.slice(0, v.indexOf('|')) : undefined;
    },
    /** Generations past their deadline and not yet terminal, oldest first. */
    async overdue(limit = 100): Promise<string[]> {
      return redis.zrangebyscore(keys.deadlines, '-inf', now(), 'LIMIT', 0, limit);
    },
    async slotsInUse(): Promise<number> {
      return redis.zcard(keys.inFlight);
    },
  };
}
