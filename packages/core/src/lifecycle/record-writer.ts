import {
  BudgetExceededError,
  DEFAULT_TENANT,
  type DeliveryAttempt,
  type DeliveryState,
  type EventType,
  fromMicroUsd,
  type GenerationState,
  periodStart,
} from '@reelay/contracts';
import type { Redis } from 'ioredis';
import { loadLua, runLua } from '../lua-script.ts';
import { type DeliveryAttemptEntry, encodeWants, F, type StoredInput } from '../record-codec.ts';
import { IdempotencyConflictError, type NewGeneration } from '../status-store.ts';
import type { TenantFields, TenantRepair } from '../tenant-store.ts';
import { recordKeys } from '../topology.ts';
import { wantedEvents } from './delivery.ts';

const MOVE = loadLua('move');
const CREATE = loadLua('create');
const GRANT = loadLua('grant');
const TENANT_SET = loadLua('tenant-set');
const TENANT_RECONCILE = loadLua('tenant-reconcile');
const PUSH_ATTEMPT = loadLua('push-attempt');
const BATCH_CANCEL = loadLua('batch-cancel');
const BATCH_MANIFEST = loadLua('batch-manifest');
const MAX_LOGGED_ATTEMPTS = 50;

/**
 * One compare-and-set on a record, in the record's own field names (record-codec.ts). Built only
 * by the lifecycle verbs: `from` lists the states the record may be in; `guard` names a field that
 * must hold a value (undefined: be absent); omit `to` to patch without moving.
 */
export type MoveSpec = {
  to?: GenerationState;
  from?: readonly GenerationState[];
  guard?: { field: string; equals: string | undefined };
  set?: Record<string, string | number>;
  unset?: readonly string[];
  increment?: string;
  /** Deadline (ms from now) with which a generation leaving a terminal state rejoins the index. */
  rejoinDeadlineMs?: number;
  /** `release` gives the upstream slot back; a number takes one under that MAX_IN_FLIGHT. */
  slot?: 'release' | number;
};

export type MoveResult =
  | {
      ok: true;
      previous: GenerationState;
      /** This move ended a batch's last active member: the batch finished (its `round`-th time). */
      finishedBatch?: { id: string; round: number };
    }
  | { ok: false; reason: 'state'; current: GenerationState }
  | { ok: false; reason: 'guard'; current: GenerationState; guardValue: string }
  | { ok: false; reason: 'slot'; current: GenerationState }
  | { ok: false; reason: 'missing' };

export type CreateResult = { id: string; created: boolean; state: GenerationState };

/** A batch made with its members in one create (create.lua). */
export type NewBatch = {
  id: string;
  tenant: string;
  idempotencyKey?: string | undefined;
  /** Covers the whole call, so the same key with other items is a conflict. */
  fingerprint: string;
  /** The batch's input key: webhook, metadata, idempotency key. */
  input: string;
  /** Whether its webhook target wants batch.completed. */
  wantsCompleted: boolean;
};

/** A batch member's idempotency key names an existing generation (or an earlier item). */
export class BatchMemberTakenError extends Error {
  readonly index: number;
  readonly existingId: string;
  constructor(index: number, existingId: string) {
    super(`item ${index}'s idempotency key already names ${existingId}`);
    this.name = 'BatchMemberTakenError';
    this.index = index;
    this.existingId = existingId;
  }
}

/** The Redis side of the lifecycle: the three scripts that write records, and nothing else. */
export function createRecordWriter(
  redis: Redis,
  opts: {
    prefix: string;
    recordRetentionS: number;
    idempotencyTtlS: number;
    generationDeadlineMs: number;
    now: () => number;
  },
) {
  const keys = recordKeys(opts.prefix);
  const { now } = opts;
  /** The UTC day and month that hold `at`: the budget periods' starts. */
  const periods = (at: number) => [periodStart('day', at), periodStart('month', at)];

  /**
   * Creates generations (all or none), as a batch's members when `batch` is given. Returns
   * `{ replayOf: id }` when the batch's idempotency key names a batch made from the same call.
   */
  async function runCreate(
    items: readonly NewGeneration[],
    batch?: NewBatch,
  ): Promise<CreateResult[] | { replayOf: string }> {
    const at = now();
    const k: string[] = batch
      ? [
          keys.deadlines,
          keys.batch(batch.id),
          batch.idempotencyKey ? keys.batchIdempotency(batch.idempotencyKey, batch.tenant) : keys.deadlines,
          keys.batchMembers(batch.id),
          keys.batchInput(batch.id),
        ]
      : [keys.deadlines, keys.deadlines, keys.deadlines, keys.deadlines, keys.deadlines];
    const args: Array<string | number> = [
      at,
      opts.idempotencyTtlS,
      keys.record(''),
      opts.generationDeadlineMs,
      keys.keyPrefix,
      ...periods(at),
      batch?.id ?? '',
      batch?.idempotencyKey ? 1 : 0,
      batch?.fingerprint ?? '',
      batch?.input ?? '',
      batch?.wantsCompleted ? 1 : 0,
      batch?.tenant ?? '',
      // The index outlives any batch: its deadline (twice, for a resume) and then its retention.
      opts.recordRetentionS * 1000 + 2 * opts.generationDeadlineMs,
    ];
    for (const g of items) {
      const idem = g.options.idempotencyKey;
      k.push(
        keys.record(g.id),
        idem ? keys.idempotency(idem, g.tenant) : keys.record(g.id),
        keys.input(g.id),
      );
      const input: StoredInput = { request: g.request, options: g.options };
      args.push(
        g.id,
        idem ? 1 : 0,
        g.fingerprint,
        JSON.stringify(input),
        encodeWants(wantedEvents(g.options.webhook)),
        g.tenant ?? DEFAULT_TENANT,
        g.options.priority ?? 0,
        g.estimateMicroUsd ?? 0,
      );
    }
    const reply = (await runLua(redis, CREATE, k, args)) as string[];
    if (reply[0] === 'BATCH') return { replayOf: String(reply[1]) };
    if (reply[0] === 'TAKEN') throw new BatchMemberTakenError(Number(reply[1]) - 1, String(reply[2]));
    if (reply[0] === 'CONFLICT') throw new IdempotencyConflictError(Number(reply[1]) - 1, String(reply[2]));
    if (reply[0] === 'BUDGET') {
      const [, tenant, limit, spent, reserved, requested] = reply.map(String);
      throw new BudgetExceededError({
        tenant: tenant!,
        limitUsd: fromMicroUsd(Number(limit)),
        spentUsd: fromMicroUsd(Number(spent)),
        reservedUsd: fromMicroUsd(Number(reserved)),
        requestedUsd: fromMicroUsd(Number(requested)),
      });
    }
    const out: CreateResult[] = [];
    for (let i = 0; i < reply.length; i += 3) {
      out.push({ id: reply[i]!, created: reply[i + 1] === '1', state: reply[i + 2] as GenerationState });
    }
    return out;
  }

  return {
    keys,
    create: (items: readonly NewGeneration[]) => runCreate(items) as Promise<CreateResult[]>,
    /** Creates a batch and its members in one step (create.lua); see runCreate. */
    createBatch: (batch: NewBatch, items: readonly NewGeneration[]) => runCreate(items, batch),

    /** Undoes `create` for a batch whose jobs could not be added (all or none). */
    async remove(items: ReadonlyArray<{ id: string; idempotencyKey?: string | undefined }>): Promise<void> {
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

    async move(id: string, spec: MoveSpec): Promise<MoveResult> {
      const pairs: string[] = [];
      for (const [f, v] of Object.entries(spec.set ?? {})) pairs.push(f, String(v));
      const at = now();
      const reply = (await runLua(
        redis,
        MOVE,
        [keys.record(id), keys.deliveries(id), keys.deadlines, keys.input(id), keys.inFlight],
        [
          spec.to ?? '',
          at,
          spec.from?.join(',') ?? '',
          opts.recordRetentionS,
          spec.guard?.field ?? '',
          spec.guard?.equals ?? '',
          spec.unset?.join(',') ?? '',
          spec.increment ?? '',
          spec.to ? keys.stateChanges : '',
          id,
          spec.rejoinDeadlineMs ?? 0,
          spec.slot === undefined ? '' : String(spec.slot),
          keys.keyPrefix,
          ...periods(at),
          ...pairs,
        ],
      )) as [number, string, string?, number?];
      switch (reply[0]) {
        case 1:
          return reply[2] && reply[3]
            ? {
                ok: true,
                previous: reply[1] as GenerationState,
                finishedBatch: { id: reply[2], round: reply[3] },
              }
            : { ok: true, previous: reply[1] as GenerationState };
        case 0:
          return { ok: false, reason: 'state', current: reply[1] as GenerationState };
        case 2:
          return {
            ok: false,
            reason: 'guard',
            current: reply[1] as GenerationState,
            guardValue: reply[2] ?? '',
          };
        case 3:
          return { ok: false, reason: 'slot', current: reply[1] as GenerationState };
        default:
          return { ok: false, reason: 'missing' };
      }
    },

    /** Logs one delivery attempt and sets the event's delivery state; false when the record is gone. */
    async pushAttempt(
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
    },

    /**
     * The tenant gate (grant.lua): grants up to `max` free slots under `maxInFlight` (0: no
     * limit), with at most `grantAhead` granted and not yet submitting, by the tenants' weights. Returns the granted ids, whose submit jobs are to be added.
     */
    async grant(limits: { maxInFlight: number; grantAhead: number }, max: number): Promise<string[]> {
      return (await runLua(
        redis,
        GRANT,
        [keys.tenantsReady, keys.inFlight, keys.tenantsGranted, keys.tenantsVt],
        [keys.keyPrefix, keys.record(''), now(), limits.maxInFlight, max, limits.grantAhead],
      )) as string[];
    },

    /** Changes a tenant's settings and its place at the gate in one step (tenant-set.lua). */
    async setTenant(name: string, fields: TenantFields): Promise<void> {
      await runLua(
        redis,
        TENANT_SET,
        [keys.tenant(name)],
        [keys.keyPrefix, name, ...Object.entries(fields).flat()],
      );
    },

    /** Recomputes a tenant's counters from its records (tenant-reconcile.lua). */
    async reconcileTenant(name: string): Promise<TenantRepair> {
      const [slotsFreed, queueEntriesDropped, reservedChange] = (await runLua(
        redis,
        TENANT_RECONCILE,
        [keys.tenant(name)],
        [keys.keyPrefix, keys.record(''), name],
      )) as [number, number, number];
      return { slotsFreed, queueEntriesDropped, reservedChangeUsd: fromMicroUsd(reservedChange) };
    },

    /** Gives an upstream slot back outside a move: only for a record that is gone. */
    async releaseSlot(id: string): Promise<void> {
      await redis.multi().zrem(keys.inFlight, id).zrem(keys.tenantsGranted, id).exec();
    },

    /** Marks a batch in progress to end `canceled` (batch-cancel.lua); false when it is not in progress. */
    async markBatchCanceled(id: string): Promise<boolean> {
      return (await runLua(redis, BATCH_CANCEL, [keys.batch(id)], [])) === 1;
    },

    /** Records round `round`'s results file (batch-manifest.lua); false when the batch moved on. */
    async recordManifest(
      id: string,
      round: number,
      manifest: { bucket: string; key: string },
    ): Promise<boolean> {
      const reply = await runLua(
        redis,
        BATCH_MANIFEST,
        [keys.batch(id), keys.batchesFinishing],
        [id, round, manifest.bucket, manifest.key],
      );
      return reply === 1;
    },

    /** Logs one batch.completed delivery attempt and sets its delivery state (push-attempt.lua). */
    async pushBatchAttempt(
      id: string,
      round: number,
      state: DeliveryState,
      attempt?: DeliveryAttempt,
    ): Promise<boolean> {
      const entry = attempt ? JSON.stringify({ round, ...attempt }) : '';
      const reply = await runLua(
        redis,
        PUSH_ATTEMPT,
        [keys.batch(id), keys.batchDeliveries(id)],
        ['d', state, entry, MAX_LOGGED_ATTEMPTS, now()],
      );
      return reply === 1;
    },

    /** Drops an id from the deadline index (its record is gone or already ended). */
    async forgetDeadline(id: string): Promise<void> {
      await redis.zrem(keys.deadlines, id);
    },
  };
}

export type RecordWriter = ReturnType<typeof createRecordWriter>;
