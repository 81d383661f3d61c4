import type { StageName } from '@reelay/contracts';
import type { Logger } from '@reelay/core';
import type { Job } from 'bullmq';
import type { StageDeps } from './deps.ts';

/**
 * The dependencies one job runs with. Every line it logs says which generation, stage, job and
 * attempt it is about; the child logger that adds those is made at the job's first line, as many
 * jobs (a poll that finds the task still running) log nothing, and a child costs a copy and a
 * stringify of its bindings.
 */
export function jobDeps(
  deps: StageDeps,
  stage: StageName,
  job: Pick<Job<{ generationId?: string }>, 'data' | 'id' | 'attemptsMade'>,
): StageDeps {
  let log: Logger | undefined;
  return {
    ...deps,
    get log() {
      log ??= deps.log.child({
        generationId: job.data?.generationId,
        stage,
        jobId: job.id,
        attempt: job.attemptsMade + 1,
      });
      return log;
    },
  };
}
