/**
 * Stage `submit`: consumes SubmitJob { generationId }.
 * - creates the upstream task (at most once per generation, barring the uncertain window):
 *   lifecycle `startSubmit` (queued → submitting, takes a MAX_IN_FLIGHT slot), then `taskCreated`
 *   (submitting → running with the task id, adds poll 1, queues generation.running);
 * - a task id already recorded means polling resumes, never a second create.
 * Waits without burning an attempt while every slot is taken or another run is mid-create (this
 * job is delayed); a 429 pauses the whole queue (the stage runner). Final upstream errors → failed.
 * An account failure (bad key, no balance, no permission) fails nothing: it pauses submission in
 * every worker (the upstream pause); while paused, submits wait, and one per
 * UPSTREAM_PAUSE_PROBE_MS creates as a probe whose success resumes everything.
 */
import type { SubmitJob } from '@reelay/contracts';
import { isAccountFailure, isVtrixError } from '@reelay/vtrix';
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
    // The upstream is paused: wait (no attempt spent, the generation keeps its place), unless this
    // run wins the probe of an automatic pause.
    // An operator's pause is never probed: only the operator resumes it.
    const paused = await deps.upstream.current();
    if (paused && (paused.by === 'operator' || !(await deps.upstream.claimProbe()))) {
      const wait = Math.min(deps.upstream.probeMs, Math.max(SLOT_WAIT_MS, await deps.upstream.probeWaitMs()));
      await job.moveToDelayed(deps.now() + wait, token);
      throw new DelayedError();
    }
    if (paused)
      deps.log.info({ generationId: id, code: paused.code }, 'probing the paused upstream with this submit');

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
      if (isVtrixError(e) && isAccountFailure(e.httpStatus, e.upstreamCode)) {
        // Every create would fail the same way: pause submission instead of failing each
        // generation; this one waits like the rest and goes when a probe succeeds.
        await deps.upstream.pause({
          by: 'auto',
          code: e.code,
          reason: `the upstream answered ${e.httpStatus}${e.upstreamCode ? ` ${e.upstreamCode}` : ''}: ${e.message}`,
        });
        deps.metrics.upstreamAlerts.inc({ code: e.code });
        deps.log.error(
          { generationId: id, code: e.code, httpStatus: e.httpStatus, upstreamCode: e.upstreamCode },
          `upstream account failure: submission paused in every worker (one probe every ${deps.upstream.probeMs} ms); operator attention needed`,
        );
        await job.moveToDelayed(deps.now() + deps.upstream.probeMs, token);
        throw new DelayedError();
      }
      throw e;
    }
    if (paused && (await deps.upstream.resume()))
      deps.log.warn(
        { generationId: id, pausedSince: paused.since },
        'upstream probe succeeded: submission resumed',
      );

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
