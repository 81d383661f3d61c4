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
    idempotency: (key: string) => `${prefix}:idem:${key}`,
    inFlight: `${prefix}:inflight`,
  };
}

const DAY_S = 86_400;

/**
 * Default job options per stage. Poll jobs are the many small ones: they are removed on
 * completion to keep Redis memory flat, and the status record (not the completed set) fences
 * duplicates. Submit, sink and notify keep a day of history for operators.
 */
export function defaultJobOptions(stage: StageName, opts: { notifyAttempts: number }): DefaultJobOptions {
  const keepFailed = { age: 7 * DAY_S };
  switch (stage) {
    case 'submit':
      return {
        attempts: 8,
        backoff: { type: 'exponential', delay: 2_000, jitter: 0.2 },
        removeOnComplete: { age: DAY_S, count: 10_000 },
        removeOnFail: keepFailed,
      };
    case 'poll':
      return {
        attempts: 5,
        backoff: { type: 'exponential', delay: 2_000, jitter: 0.2 },
        removeOnComplete: true,
        removeOnFail: keepFailed,
      };
    case 'sink':
      return {
        attempts: 6,
        backoff: { type: 'exponential', delay: 3_000, jitter: 0.2 },
        removeOnComplete: { age: DAY_S, count: 10_000 },
        removeOnFail: keepFailed,
      };
    case 'notify':
      return {
        attempts: opts.notifyAttempts,
        backoff: { type: WEBHOOK_BACKOFF },
        removeOnComplete: { age: DAY_S, count: 10_000 },
        removeOnFail: keepFailed,
      };
  }
}
