import { z } from 'zod';
import { EnqueueOptions, Metadata, WebhookTarget } from './enqueue-options.ts';
import { ulid } from './generation-id.ts';
import type { GenerationState } from './status.ts';
import { TenantName } from './tenant.ts';
import { ReelayValidationError, toFieldIssues } from './validation-error.ts';

/** The most generations one batch holds: its create is one atomic step in Redis. */
export const MAX_BATCH_ITEMS = 10_000;

export const BATCH_ID = /^bat_[0-9a-hjkmnp-tv-z]{26}$/;
/** `bat_` + a ULID, like a generation id: sortable by creation time, no `:`. */
export const newBatchId = (now: number = Date.now()): string => `bat_${ulid(now)}`;
export const isBatchId = (value: unknown): value is string =>
  typeof value === 'string' && BATCH_ID.test(value);

export const BATCH_STATES = ['in_progress', 'completed', 'canceled'] as const;
/** `completed` and `canceled` once every member is terminal (`canceled` when a cancel was asked). */
export type BatchState = (typeof BATCH_STATES)[number];

/** How many members are in each state, and in all: exact at every moment. */
export type BatchCounts = { total: number } & Record<GenerationState, number>;

/** Where the results file is: `${S3_KEY_PREFIX}batches/<batch id>.jsonl` in the sink's bucket. */
export type BatchManifest = { bucket: string; key: string };

export type Batch = {
  id: string;
  tenant: string;
  state: BatchState;
  counts: BatchCounts;
  /** When it was created (ms since the epoch). */
  created: number;
  /** When its last member ended (ms since the epoch); absent while in progress. */
  completed?: number;
  metadata?: Metadata;
  webhook?: WebhookTarget;
  idempotencyKey?: string;
  /** Sums over the members: estimated at create, actual as they end (USD). */
  costUsd: { estimated: number; actual: number };
  /** The results file, once written (before `batch.completed` is sent). */
  manifest?: BatchManifest;
  /** How often every member has ended: 2 after an operator retried failed members once. */
  round: number;
};

/** Item options: as for `enqueue`, without the tenant (a batch belongs to one tenant). */
export const BatchItemOptions = EnqueueOptions.omit({ tenant: true });
export type BatchItemOptions = z.infer<typeof BatchItemOptions>;

export const BatchOptions = z.strictObject({
  tenant: TenantName.optional(),
  idempotencyKey: EnqueueOptions.shape.idempotencyKey,
  /** Members without their own webhook inherit this one; it also receives `batch.completed`. */
  webhook: WebhookTarget.optional(),
  metadata: Metadata.optional(),
});
export type BatchOptions = z.infer<typeof BatchOptions>;

export function parseBatchOptions(value: unknown): BatchOptions {
  const result = BatchOptions.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ReelayValidationError(toFieldIssues(result.error.issues, 'options'), 'batch options');
}

export type BatchCreateResult = {
  id: string;
  /** False when the idempotency key returned a batch made before. */
  created: boolean;
  /** In the order of the items (`expired`: a member of a replayed batch whose record is gone). */
  generations: Array<{ id: string; state: GenerationState | 'expired'; created: boolean }>;
};

export type BatchGenerationsPage = {
  items: Array<{ id: string; state: GenerationState | 'expired' }>;
  /** Pass it back for the next page; absent on the last one. */
  cursor?: string;
};

/** The body of `batch.completed`. */
export type BatchCompletedEvent = {
  type: 'batch.completed';
  timestamp: string;
  data: {
    id: string;
    tenant: string;
    state: BatchState;
    counts: BatchCounts;
    metadata: Metadata;
    costUsd: { estimated: number; actual: number };
    manifest: BatchManifest;
  };
};

/**
 * The `webhook-id` of a batch's `batch.completed`: the same on every retry of its delivery. A
 * batch completes again only when an operator retries failed members (round 2, 3, …): that is a
 * new event, with its own id.
 */
export function batchWebhookId(batchId: string, round = 1): string {
  const base = `msg_${batchId.slice('bat_'.length)}_batch_completed`;
  return round > 1 ? `${base}_${round}` : base;
}

/** One line of the results file. */
export type BatchResultLine = {
  index: number;
  id: string;
  state: GenerationState | 'expired';
  output: { bucket: string; key: string; size: number; sha256: string } | null;
  error: { stage: string; code: string; message: string } | null;
  costUsd: { estimated: number; actual: number | null } | null;
  metadata?: Metadata;
};
