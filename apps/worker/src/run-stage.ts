import type { StageName } from '@reelay/contracts';
import { isVtrixError } from '@reelay/vtrix';
import { DelayedError, type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import type { StageDeps } from './deps.ts';
import { failGeneration } from './fail-generation.ts';
import { isStageError } from './stage-error.ts';

type GenJob = Job<{ generationId: string }>;

/**
 * The error policy shared by submit, poll and sink. A final error fails the generation now and
 * the job lands in the failed set without retries (UnrecoverableError); a transient one is
 * rethrown for BullMQ's backoff, and on the last attempt fails the generation resumably, so an
 * operator's retry from the dashboard brings it back at this stage.
 */
export async function runStage(
  stage: Exclude<StageName, 'notify'>,
  job: GenJob,
  deps: StageDeps,
  work: () => Promise<string>,
  signal?: AbortSignal,
): Promise<string> {
  const generationId = job.data.generationId;
  try {
    return await work();
  } catch (e) {
    if (e instanceof DelayedError || e instanceof RateLimitError || e instanceof UnrecoverableError) throw e;
    // Interrupted by shutdown: not the stage's failure; the runtime puts the job back.
    if (signal?.aborted) throw e;
    const final = (isStageError(e) || isVtrixError(e)) && e.kind === 'final';
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const log = { generationId, stage, attempt: job.attemptsMade + 1, code: codeOf(e) };
    if (!final && !lastAttempt) {
      deps.log.warn({ ...log, err: e }, `${stage} failed; will retry`);
      throw e;
    }
    // Bad credentials or balance are fixed by an operator, then the job retried: resumable anywhere.
    const resumable = isStageError(e)
      ? e.resumable
      : isVtrixError(e)
        ? e.alert || stage === 'submit' || !final
        : true;
    const error = {
      stage,
      code: codeOf(e),
      message: e instanceof Error ? e.message : String(e),
      resumable,
      ...(isVtrixError(e) && e.upstreamCode ? { upstreamCode: e.upstreamCode } : {}),
      ...(isStageError(e) && e.upstreamCode ? { upstreamCode: e.upstreamCode } : {}),
    };
    if (isVtrixError(e) && e.alert)
      deps.log.error(
        { ...log, httpStatus: e.httpStatus },
        'upstream refused our credentials or balance: operator attention needed',
      );
    const record = await deps.store.getCore(generationId);
    if (record)
      await failGeneration(deps, record, error, { jobId: job.id ?? '', attemptsMade: job.attemptsMade });
    throw final ? new UnrecoverableError(error.message) : e;
  }
}

function codeOf(e: unknown): string {
  if (isStageError(e) || isVtrixError(e)) return e.code;
  return 'REELAY_STAGE_ERROR';
}
