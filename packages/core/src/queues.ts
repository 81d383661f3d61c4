import { STAGES, type StageName } from '@reelay/contracts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { defaultJobOptions, QUEUE_NAMES, type StageRetry } from './topology.ts';

export type StageQueues = Record<StageName, Queue>;

/** The events stream is capped short: nothing in Reelay reads history from it. */
const EVENTS_MAX_LEN = 1_000;

/** The four stage queues on one shared connection (producers, and workers adding next steps). */
export function createQueues(
  connection: Redis,
  prefix: string,
  opts: { notifyAttempts?: number; retry?: StageRetry } = {},
): StageQueues {
  const queues = {} as StageQueues;
  for (const stage of STAGES) {
    queues[stage] = new Queue(QUEUE_NAMES[stage], {
      connection,
      prefix,
      defaultJobOptions: defaultJobOptions(stage, {
        notifyAttempts: opts.notifyAttempts ?? 10,
        ...(opts.retry ? { retry: opts.retry } : {}),
      }),
      streams: { events: { maxLen: EVENTS_MAX_LEN } },
    });
    // A lost connection is reported once per outage by the connection itself (createRedis).
    // Without a listener here BullMQ prints every error to stderr, once per queue.
    queues[stage].on('error', () => {});
  }
  return queues;
}

export async function closeQueues(queues: StageQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
