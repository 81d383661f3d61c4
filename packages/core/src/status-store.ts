import type {
  DeliveryAttempt,
  DeliveryState,
  EventType,
  GenerationRequest,
  GenerationState,
} from '@reelay/contracts';
import type { Redis } from 'ioredis';
import { wantedEvents } from './events.ts';
import { loadLua, runLua } from './lua-script.ts';
import {
  type DeliveryAttemptEntry,
  decodeCore,
  decodeRecord,
  encodeWants,
  F,
  type GenerationRecord,
  type RecordCore,
  type StoredInput,
  type StoredOptions,
} from './record-codec.ts';
import { recordKeys } from './topology.ts';

const UPDATE = loadLua('update');
const CREATE = loadLua('create');
const ACQUIRE_SLOT = loadLua('acquire-slot');
const PUSH_ATTEMPT = loadLua('push-attempt');
const MAX_LOGGED_ATTEMPTS = 50;

export type NewGeneration = {
  id: string;
  request: GenerationRequest;
  options: StoredOptions;
  fingerprint: string;
};
export type CreateResult = { id: string; created: boolean; state: GenerationState };
export type StateChange = { id: string; state: GenerationState; at: number };

// Imported here, not at the top, only to keep this block self-contained (a concurrent edit).
import { brandError, type ReelayErrorCode } from '@reelay/contracts';

/** The idempotency key already names a generation made from a different request. */
export class IdempotencyConflictError extends Error {
  readonly code = 'REELAY_IDEMPOTENCY_CONFLICT' satisfies ReelayErrorCode;
  readonly index: number;
  readonly existingId: string;
  constructor(index: number, existingId: string) {
    super(`idempotency key of item ${index} was already used for ${existingId} with a different request`);
    this.name = 'IdempotencyConflictError';
    this.index = index;
    this.existingId = existingId;
  }
}
export const isIdempotencyConflict = brandError('idempotency.conflict', IdempotencyConflictError);

/**
 * A guarded change to a record. `from` lists the states the record may be in; `guard` names a
 * field that must hold a value (undefined: be absent). Omit `to` to patch without moving.
 */
export type UpdateSpec = {
  to?: GenerationState;
  from?: readonly GenerationState[];
  guard?: { field: string; equals: string | undefined };
  set?: Record<string, string | number>;
  unset?: readonly string[];
  increment?: string;
};

export type UpdateResult =
  | { ok: true; previous: GenerationState }
  | { ok: false; reason: 'state'; current: GenerationState }
  | { ok: false; reason: 'guard'; current: GenerationState; guardValue: string }
  | { ok: false; reason: 'missing' };

export type StatusStore = ReturnType<typeof createStatusStore>;

export function createStatusStore(
  redis: Redis,
  opts: {
    prefix: string;
    recordRetentionS: number;
    idempotencyTtlS: number;
    now?: () => number;
    generationDeadlineMs?: number;
    /** MAX_IN_FLIGHT when known: 0 means no slots are kept, so releasing is skipped. */
    inFlightLimit?: number;
  },
) {
  const keys = recordKeys(opts.prefix);
  const now = opts.now ?? Date.now;

  async function create(items: readonly NewGeneration[]): Promise<CreateResult[]> {
    const k: string[] = [];
    const args: Array<string | number> = [
      now(),
      opts.idempotencyTtlS,
      keys.record(''),
      opts.generationDeadlineMs ?? 0,
    ];
    for (const g of items) {
      const idem = g.options.idempotencyKey;
      k.push(keys.record(g.id), idem ? keys.idempotency(idem) : keys.record(g.id), keys.input(g.id));
      const input: StoredInput = { request: g.request, options: g.options };
      args.push(
        g.id,
        idem ? 1 : 0,
        g.fingerprint,
        JSON.stringify(input),
        encodeWants(wantedEvents(g.options.webhook)),
      );
    }
    k.push(keys.deadlines);
    const reply = (await runLua(redis, CREATE, k, args)) as string[];
    if (reply[0] === 'CONFLICT') throw new IdempotencyConflictError(Number(reply[1]) - 1, String(reply[2]));
    const out: CreateResult[] = [];
    for (let i = 0; i < reply.length; i += 3) {
      out.push({ id: reply[i]!, created: reply[i + 1] === '1', state: reply[i + 2] as GenerationState });
    }
    return out;
  }

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

  async function update(id: string, spec: UpdateSpec): Promise<UpdateResult> {
    const pairs: string[] = [];
    for (const [f, v] of Object.entries(spec.set ?? {})) pairs.push(f, String(v));
    const reply = (await runLua(
      redis,
      UPDATE,
      [keys.record(id), keys.deliveries(id), keys.deadlines, keys.input(id)],
      [
        spec.to ?? '',
        now(),
        spec.from?.join(',') ?? '',
        opts.recordRetentionS,
        spec.guard?.field ?? '',
        spec.guard?.equals ?? '',
        spec.unset?.join(',') ?? '',
        spec.increment ?? '',
        spec.to ? keys.stateChanges : '',
        id,
        ...pairs,
      ],
    )) as [number, string, string?];
    switch (reply[0]) {
      case 1:
        return { ok: true, previous: reply[1] as GenerationState };
      case 0:
        return { ok: false, reason: 'state', current: reply[1] as GenerationState };
      case 2:
        return {
          ok: false,
          reason: 'guard',
          current: reply[1] as GenerationState,
          guardValue: reply[2] ?? '',
        };
      default:
        return { ok: false, reason: 'missing' };
    }
  }

  /** Calls `onChange` for every state change of any generation under this prefix (a Redis channel). */
  async function subscribe(
    subscriber: Redis,
    onChange: (change: StateChange) => void,
  ): Promise<() => Promise<void>> {
    const listener = (channel: string, message: string) => {
      if (channel !== keys.stateChanges) return;
      const [id, state, at] = message.split(' ');
      if (id && state && at) onChange({ id, state: state as GenerationState, at: Number(at) });
    };
    subscriber.on('message', listener);
    await subscriber.subscribe(keys.stateChanges);
    return async () => {
      subscriber.off('message', listener);
      await subscriber.unsubscribe(keys.stateChanges);
    };
  }

  async function recordDelivery(
    id: string,
    event: EventType,
    state: DeliveryState,
    attempt?: DeliveryAttempt,
  ): Promise<boolean> {
    const entry = attempt ? JSON.stringify({ event, ...attempt } satisfies DeliveryAttemptEntry) : '';
    const reply = await runLua(
      redis,
      PUSH_ATTEMPT,
      [keys.record(id), keys.deliveries(id)],
      [F.delivery(event), state, entry, MAX_LOGGED_ATTEMPTS, now()],
    );
    return reply === 1;
  }

  return {
    keys,
    create,
    get,
    getCore,
    update,
    recordDelivery,
    subscribe,
    async findIdByIdempotencyKey(key: string): Promise<string | undefined> {
      const v = await redis.get(keys.idempotency(key));
      return v ? v.slice(0, v.indexOf('|')) : undefined;
    },
    /** Undoes `create` for a batch whose jobs could not be added (all or none). */
    async remove(items: ReadonlyArray<{ id: string; idempotencyKey?: string }>): Promise<void> {
      if (!items.length) return;
      const k = items.flatMap((g) => [
        keys.record(g.id),
        keys.deliveries(g.id),
        keys.input(g.id),
        ...(g.idempotencyKey ? [keys.idempotency(g.idempotencyKey)] : []),
      ]);
      await redis
        .multi()
        .del(...k)
        .zrem(keys.deadlines, ...items.map((g) => g.id))
        .exec();
    },
    /** Takes an upstream task slot (MAX_IN_FLIGHT, shared by all workers); true when held. */
    async acquireSlot(id: string, limit: number): Promise<boolean> {
      if (limit <= 0) return true;
      return (await runLua(redis, ACQUIRE_SLOT, [keys.inFlight], [id, limit, now()])) === 1;
    },
    /** Generations past their deadline and not yet terminal, oldest first. */
    async overdue(limit = 100): Promise<string[]> {
      return redis.zrangebyscore(keys.deadlines, '-inf', now(), 'LIMIT', 0, limit);
    },
    /** Drops an id from the deadline index (its record is gone). */
    async forgetDeadline(id: string): Promise<void> {
      await redis.zrem(keys.deadlines, id);
    },
    async releaseSlot(id: string): Promise<void> {
      if (opts.inFlightLimit === 0) return;
      await redis.zrem(keys.inFlight, id);
    },
    async slotsInUse(): Promise<number> {
      return redis.zcard(keys.inFlight);
    },
  };
}
