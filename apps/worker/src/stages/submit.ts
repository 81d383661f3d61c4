/**
 * Stage `submit`: consumes SubmitJob { generationId }.
 * - creates the upstream task (at most once per generation, barring the uncertain window):
 *   lifecycle `startSubmit` (queued → submitting, takes a MAX_IN_FLIGHT slot), then `taskCreated`
 *   (submitting → running with the task id, adds poll 1, queues generation.running);
 * - a task id already recorded means polling resumes, never a second create.
 * Waits without burning an attempt while every slot is taken or another run is mid-create (this
 * job is delayed); a 429 pauses the whole queue (the stage runner). Final upstream errors → failed.
 */
import type { SubmitJob } from '@reelay/contracts';
import { isVtrixError } from '@reelay/vtrix';
import { DelayedError, type Job } from 'bullmq';
import type { StageDeps } from '../deps.ts';
import { runStage } from '../run-stage.ts';
import { StageError } from '../stage-error.ts';
import { decideSubmit } from './decide-submit.ts';

/** How long a submit waits for a free MAX_IN_FLIGHT slot before trying again. */
export const SLOT_WAIT_MS = 1_000;

export function processSubmit(job: Job<SubmitJob>, deps: StageDeps, token?: string): Promise<string> {
  return runStage('submit', job, deps, async () => {
    const id = job.data.generationId;
    const stored = await deps.store.get(id, { attempts: false });
    if (!stored) return 'no such generation';
    const record = await deps.lifecycle.resume(stored, 'submit', job);
    const decision = decideSubmit(record);
    if (decision.kind === 'skip') {
      await deps.lifecycle.ensureTerminalEvent(record);
      return decision.reason;
    }
    if (decision.kind === 'resume-polling') {
      return `task ${decision.taskId} exists; ${await deps.lifecycle.repair(id, 'polling resumed')}`;
    }
    if (decision.uncertain) {
      if (deps.uncertainSubmit === 'fail') {
        throw new StageError(
          'submit',
          'REELAY_SUBMIT_UNCERTAIN',
          'an earlier create got no answer; not creating again (SUBMIT_UNCERTAIN=fail): check the upstream account, then retry the job to create anyway',
        );
      }
      deps.metrics.uncertainSubmits.inc();
      deps.log.warn(
        { generationId: id, stage: 'submit' },
        'an earlier create got no answer; creating again may bill a second upstream task',
      );
    }
    const started = await deps.lifecycle.startSubmit(record, deps.maxInFlight);
    if (!started.ok) {
      if ('repaired' in started) return started.repaired;
      // Every slot is taken, or another run of this job (a recovered stalled job, the first still
      // running) is mid-create: creating too could bill twice, and completing would strand the
      // generation if that run dies. Look again later, without spending an attempt.
      await job.moveToDelayed(deps.now() + SLOT_WAIT_MS, token);
      throw new DelayedError();
    }

    let taskId: string;
    try {
      taskId = (await deps.vtrix.createTask(record.request, { generationId: id })).id;
    } catch (e) {
      // A 4xx (429 included) means no task was made: close the intent, so the next try is not
      // counted as uncertain. 5xx, network errors and a 2xx whose body could not be read (the
      // task most likely exists) stay uncertain.
      if (isVtrixError(e) && e.httpStatus !== undefined && e.httpStatus >= 400 && e.httpStatus < 500)
        await deps.lifecycle.createAnswered(id);
      throw e;
    }

    const running = await deps.lifecycle.taskCreated(record, taskId);
    if (!running.ok) {
      // Canceled, or a duplicate run got there first: this task is orphaned upstream.
      deps.log.warn(
        { generationId: id, taskId, state: running.current ?? 'missing' },
        'upstream task created for a generation that moved on',
      );
      return running.repaired;
    }
    deps.log.info({ generationId: id, taskId, stage: 'submit' }, 'upstream task created');
    return `task ${taskId} created`;
  });
}
