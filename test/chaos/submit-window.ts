/**
 * Was a kill inside the submit window? Decided once the killed worker is dead (it can change
 * nothing any more, and no other worker can pick its jobs up before their locks expire): a
 * generation is caught in the window when the dead worker sent its latest create, that create
 * was not refused (no 4xx/5xx: the task may exist upstream), and the record still has its
 * submit intent open and no task id. A recovered submit will then create again.
 */
import { recordKeys } from '@reelay/core';
import { RECORD_FIELDS as F } from '@reelay/core/testing';
import type { Redis } from 'ioredis';
import type { CreateTrace, VtrixTap } from './vtrix-tap.ts';
import { waitUntil } from './wait.ts';

/** The create may have made a task: no answer yet, or a 2xx. */
export function mayHaveCreated(status: CreateTrace['status']): boolean {
  return status === 'pending' || (typeof status === 'number' && status >= 200 && status < 300);
}

export async function generationsInWindow(
  tap: VtrixTap,
  worker: string,
  redis: Redis,
  prefix: string,
): Promise<string[]> {
  // Creates the dead worker had in flight get their answer within the simulator's latency.
  await waitUntil(() => tap.createsBy(worker).every((c) => c.status !== 'pending'), {
    what: `the creates of ${worker} to be answered`,
    timeoutMs: 5_000,
    intervalMs: 10,
  }).catch(() => {});
  const candidates = tap.createsBy(worker).filter((c) => mayHaveCreated(c.status));
  if (candidates.length === 0) return [];
  const keys = recordKeys(prefix);
  const pipeline = redis.pipeline();
  for (const c of candidates) pipeline.hmget(keys.record(c.generationId), F.submitIntentOpen, F.taskId);
  const replies = (await pipeline.exec()) ?? [];
  return candidates
    .filter((_, i) => {
      const [open, taskId] = (replies[i]?.[1] as [string | null, string | null] | undefined) ?? [null, null];
      return open !== null && taskId === null;
    })
    .map((c) => c.generationId);
}
