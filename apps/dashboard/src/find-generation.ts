import { type GenerationStatus, isGenerationId } from '@reelay/contracts';
import { type StageQueues, type StatusStore, toStatus } from '@reelay/core';
import { boardUrls, type JobRef, jobRefsFor } from './job-links.ts';
import { redactForDisplay } from './redaction.ts';

/** One of the generation's jobs as its queue knows it; `url` only when the job exists. */
export type FoundJob = JobRef & { queue: string; state: string; url?: string };

export type FindResult =
  | {
      found: true;
      query: string;
      matchedBy: 'id' | 'idempotency-key';
      /** The status record, redacted for display. */
      generation: GenerationStatus;
      jobs: FoundJob[];
    }
  | { found: false; query: string };

export type FindDeps = {
  store: Pick<StatusStore, 'get' | 'findIdByIdempotencyKey'>;
  queues: StageQueues;
  basePath: string;
};

/** Longer than any id or idempotency key (1-255 printable characters): not worth a lookup. */
const MAX_QUERY = 255;

/**
 * "Find a generation", which bull-board cannot do: by generation id, else by idempotency key.
 * Reads the status record and asks each queue for the state of the generation's jobs.
 */
export async function findGeneration(rawQuery: string, deps: FindDeps): Promise<FindResult> {
  const query = rawQuery.trim();
  if (!query || query.length > MAX_QUERY) return { found: false, query };
  let matchedBy: 'id' | 'idempotency-key' = 'id';
  // Only a well-formed id is used in a record key; anything else can only be an idempotency key.
  let record = isGenerationId(query) ? await deps.store.get(query) : undefined;
  if (!record) {
    const id = await deps.store.findIdByIdempotencyKey(query);
    record = id ? await deps.store.get(id) : undefined;
    matchedBy = 'idempotency-key';
  }
  if (!record) return { found: false, query };
  const jobs = await Promise.all(
    jobRefsFor(record).map(async (ref): Promise<FoundJob> => {
      const queue = deps.queues[ref.stage];
      const state = await queue.getJobState(ref.jobId);
      const found: FoundJob = { ...ref, queue: queue.name, state };
      if (state !== 'unknown') found.url = boardUrls.job(deps.basePath, queue.name, ref.jobId);
      return found;
    }),
  );
  return {
    found: true,
    query,
    matchedBy,
    generation: redactForDisplay(toStatus(record)),
    // Notify jobs exist only for the events a generation had; the others are noise.
    jobs: jobs.filter((j) => j.stage !== 'notify' || j.state !== 'unknown'),
  };
}
