import type { StageName } from '@reelay/contracts';
import type { RecordCore } from '../record-codec.ts';

/** The job run a stage is: enough to tell an operator's retry from a re-run. */
export type JobRun = { id?: string | undefined; attemptsMade: number };

/**
 * Whether this run of a stage's job is a retry (an operator's, from the failed set) of the job
 * run that failed the generation resumably: the one way out of `failed` (transitions.ts, resume).
 * BullMQ counts an attempt when a job finishes, not when a stalled job is re-run: a worker that
 * failed the generation and died before BullMQ recorded the job as failed leaves a re-run with
 * the same count, and that re-run must not bring the generation back (its generation.failed is
 * already on its way). Other jobs of the generation (a late, older poll) never resume it either.
 */
export function isRetryOfFailure(
  record: Pick<RecordCore, 'state' | 'error' | 'failedBy'>,
  stage: Exclude<StageName, 'notify'>,
  job: JobRun,
): boolean {
  return (
    record.state === 'failed' &&
    record.error?.stage === stage &&
    record.error.resumable === true &&
    record.failedBy !== undefined &&
    record.failedBy.jobId === job.id &&
    job.attemptsMade > record.failedBy.attemptsMade
  );
}
