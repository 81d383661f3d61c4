import type { StageName } from '@reelay/contracts';
import type { DefaultJobOptions } from 'bullmq';

/** Queue names, one per stage; every key lives under the configured prefix. */
export const QUEUE_NAMES: Record<StageName, string> = {
  submit: 'submit',
  poll: 'poll',
  sink: 'sink',
  notify: 'notify',
};

/** The backoff type whose delays come from the webhook schedule (see the notify stage). */
export const WEBHOOK_BACKOFF = 'reelay-webhook';

/** Keys of Reelay's own records, beside BullMQ's under the same prefix. */
export function recordKeys(prefix: string) {
  return {
    record: (id: string) => `${prefix}:gen:${id}`,
    deliveries: (id: string) => `${prefix}:gen:${id}:dlv`,
    /**
     * What the generation was made from (request and options, JSON), set once. Kept out of the
     * record hash so that hash keeps Redis' compact encoding (every value <= 64 bytes).
     */
    input: (id: string) => `${prefix}:gen:${id}:in`,
    /** The generation id of a record hash's key; undefined for its delivery log or input key. */
    recordIdOf: (key: string): string | undefined => {
      const id = key.startsWith(`${prefix}:gen:`) ? key.slice(prefix.length + 5) : '';
      return id && !id.includes(':') ? id : undefined;
    },
    /** Idempotency keys are per tenant (`default` keeps the key layout it always had). */
    idempotency: (key: string, tenant = 'default') =>
      tenant === 'default' ? `${prefix}:idem:${key}` : `${prefix}:idem@${tenant}:${key}`,
    inFlight: `${prefix}:inflight`,
    /** Sorted set of active generations by deadline (ms); the sweeper fails the overdue. */
    deadlines: `${prefix}:deadlines`,
    /** Pub/sub channel of state changes: `<id> <state> <ms>` (for server-sent events). */
    stateChanges: `${prefix}:state-changes`,
    /** The prefix the tenant gate's scripts build their keys from (lua/tenant-gate.lua). */
    keyPrefix: `${prefix}:`,
    tenant: (t: string) => `${prefix}:tenant:${t}`,
    tenantQueue: (t: string) => `${prefix}:tenant:${t}:queue`,
    tenantInFlight: (t: string) => `${prefix}:tenant:${t}:inflight`,
    tenants: `${prefix}:tenants`,
    tenantsReady: `${prefix}:tenants:ready`,
    /** Granted generations whose submit job may not be added yet (id → ms granted). */
    tenantsGranted: `${prefix}:tenants:granted`,
    tenantsVt: `${prefix}:tenants:vt`,
    /** The workers' MAX_IN_FLIGHT, for a producer that runs the gate after an enqueue. */
    gate: `${prefix}:gate`,
    /** A batch: its hash (counts, state, costs, round; lua/move.lua moves the counts). */
    batch: (id: string) => `${prefix}:batch:${id}`,
    /** Its member ids, in the order of the items (a list). */
    batchMembers: (id: string) => `${prefix}:batch:${id}:m`,
    /** What it was made with (webhook, metadata, idempotency key; JSON, set once). */
    batchInput: (id: string) => `${prefix}:batch:${id}:in`,
    /** Its batch.completed delivery attempts (a capped list, like a generation's). */
    batchDeliveries: (id: string) => `${prefix}:batch:${id}:dlv`,
    /** A batch's idempotency key, per tenant, apart from the generations' keys. */
    batchIdempotency: (key: string, tenant = 'default') => `${prefix}:idem-batch@${tenant}:${key}`,
    /** Every batch by creation time (ms): the dashboard's list; entries of expired batches are pruned on read. */
    batches: `${prefix}:batches`,
    /** Finished batches whose results file is not written yet (id → ms finished): repaired by the sweep. */
    batchesFinishing: `${prefix}:batches:finishing`,
  };
}

const DAY_S = 86_400;

export type StageRetry = { attempts: Record<Exclude<StageName, 'notify'>, number>; backoffMs: number };
export const DEFAULT_STAGE_RETRY: StageRetry = {
  attempts: { submit: 8, poll: 5, sink: 6 },
  backoffMs: 2_000,
};

/**
 * Default job options per stage. Poll jobs are the many small ones: they are removed on
 * completion to keep Redis memory flat, and the status record (not the completed set) fences
 * duplicates. Submit, sink and notify keep a short history for operators.
 */
export function defaultJobOptions(
  stage: StageName,
  opts: { notifyAttempts: number; retry?: StageRetry },
): DefaultJobOptions {
  const keepFailed = { age: 7 * DAY_S };
  // An hour of finished jobs, at most 1,000 per queue: enough for operators to look at recent
  // work, and bounded, so Redis memory per generation in flight stays small. The status record,
  // not the job history, is the truth about a generation.
  const keepDone = { age: 3_600, count: 1_000 };
  const retry = opts.retry ?? DEFAULT_STAGE_RETRY;
  const backoff = { type: 'exponential', delay: retry.backoffMs, jitter: 0.2 };
  switch (stage) {
    case 'submit':
      return {
        attempts: retry.attempts.submit,
        backoff,
        removeOnComplete: keepDone,
        removeOnFail: keepFailed,
      };
    case 'poll':
      return { attempts: retry.attempts.poll, backoff, removeOnComplete: true, removeOnFail: keepFailed };
    case 'sink':
      return { attempts: retry.attempts.sink, backoff, removeOnComplete: keepDone, removeOnFail: keepFailed };
    case 'notify':
      return {
        attempts: opts.notifyAttempts,
        backoff: { type: WEBHOOK_BACKOFF },
        removeOnComplete: keepDone,
        removeOnFail: keepFailed,
      };
  }
}
