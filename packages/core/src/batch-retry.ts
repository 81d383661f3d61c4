import { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BatchStore } from './batch-store.ts';
import type { StageQueues } from './queues.ts';
import { decodeCore } from './record-codec.ts';

export type RetryFailedResult = {
  /** Members whose failing job was retried: each resumes at the stage where it failed. */
  retried: string[];
  /** Failed members that cannot resume (a final error, or their failed job is gone), with why. */
  skipped: Array<{ id: string; reason: string }>;
};

const PAGE = 200;

/**
 * The dashboard's "retry failed members": for every failed member whose failure is resumable,
 * the job run that failed it is retried from BullMQ's failed set, exactly as an operator's
 * retry of that one job would be; that run resumes the generation where it failed (the
 * lifecycle's `resume`), which takes the batch back to in_progress. A member failed for good
 * (the task failed upstream, the deadline) is skipped and named.
 */
export async function retryFailedMembers(
  redis: Redis,
  batches: BatchStore,
  queues: StageQueues,
  batchId: string,
): Promise<RetryFailedResult> {
  const result: RetryFailedResult = { retried: [], skipped: [] };
  for (let start = 0; ; start += PAGE) {
    const ids = await batches.memberIds(batchId, start, PAGE);
    const states = await batches.statesOf(ids);
    for (const [i, id] of ids.entries()) {
      if (states[i] !== 'failed') continue;
      const record = decodeCore(id, await redis.hgetall(batches.keys.record(id)), []);
      const error = record?.error;
      if (!record || !error || error.stage === 'notify' || !error.resumable || !record.failedBy) {
        result.skipped.push({ id, reason: `${error?.code ?? 'failed'}: not resumable` });
        continue;
      }
      const job = await Job.fromId(queues[error.stage], record.failedBy.jobId);
      const state = job ? await job.getState() : 'missing';
      if (!job || state !== 'failed') {
        result.skipped.push({ id, reason: `its failed ${error.stage} job is ${state}` });
        continue;
      }
      await job.retry('failed');
      result.retried.push(id);
    }
    if (ids.length < PAGE) break;
  }
  return result;
}
