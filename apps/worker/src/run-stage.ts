import type { GenerationError, StageName } from '@reelay/contracts';
import { isVtrixError } from '@reelay/vtrix';
import { DelayedError, type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import type { StageDeps } from './deps.ts';
import { rateLimitWaitMs } from './rate-limit-wait.ts';
import { isStageError } from './stage-error.ts';

type GenJob = Job<{ generationId: string }>;

/**
 * The error policy shared by submit, poll and sink, in one place:
 * - a 429 from the upstream, wherever in the stage (a create, a poll, the sink's URL refresh),
 *   pauses the stage's whole queue for Retry-After and spends no attempt;
 * - a final error fails the generation now (lifecycle `fail`) and the job lands in the failed
 *   set without retries (UnrecoverableError);
 * - a transient one is rethrown for BullMQ's backoff, and on the last attempt fails the
 *   generation resumably, so an operator's retry of this job brings it back at this stage.
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
    if (isVtrixError(e) && e.kind === 'rate_limited') {
      await deps.queues[stage].rateLimit(rateLimitWaitMs(e.retryAfterMs));
      throw new RateLimitError();
    }
    const final = (isStageError(e) || isVtrixError(e)) && e.kind === 'final';
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const log = { generationId, stage, attempt: job.attemptsMade + 1, code: codeOf(e) };
    if (!final && !lastAttempt) {
      deps.log.warn({ ...log, err: e }, `${stage} failed; will retry`);
      throw e;
    }
    const error = generationError(stage, e, final);
    if (isVtrixError(e) && e.alert)
      deps.log.error(
        { ...log, httpStatus: e.httpStatus },
        'upstream refused our credentials or balance: operator attention needed',
      );
    const record = await deps.store.getCore(generationId);
    if (record) {
      const by = { jobId: job.id ?? '', attemptsMade: job.attemptsMade };
      const cost = isStageError(e) ? e.costMicroUsd : undefined;
      const failed = await (cost === undefined
        ? deps.lifecycle.fail(record, error, by)
        : deps.lifecycle.fail(record, error, by, cost));
      if (failed.ok)
        deps.log.warn(
          { generationId, stage, code: error.code, upstreamCode: error.upstreamCode },
          `generation failed: ${error.message}`,
        );
    }
    throw final ? new UnrecoverableError(error.message) : e;
  }
}

/** What the record says of a stage's failure. */
function generationError(stage: Exclude<StageName, 'notify'>, e: unknown, final: boolean): GenerationError {
  // Bad credentials or balance are fixed by an operator, then the job retried: resumable anywhere.
  const resumable = isStageError(e)
    ? e.resumable
    : isVtrixError(e)
      ? e.alert || stage === 'submit' || !final
      : true;
  const upstreamCode = (isVtrixError(e) || isStageError(e)) && e.upstreamCode ? e.upstreamCode : undefined;
  return {
    stage,
    code: codeOf(e),
    message: e instanceof Error ? e.message : String(e),
    resumable,
    ...(upstreamCode ? { upstreamCode } : {}),
  };
}

function codeOf(e: unknown): string {
  if (isStageError(e) || isVtrixError(e)) return e.code;
  return 'REELAY_STAGE_ERROR';
}
