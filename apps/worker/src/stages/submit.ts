/**
 * Stage `submit`: consumes SubmitJob { generationId }.
 * - creates the upstream task (at most once per generation, barring the uncertain window);
 * - records the task id the moment it is known: queued|submitting → running;
 * - produces PollJob n=1 (delayed), and the optional generation.running event.
 * Waits without burning an attempt on 429 (the whole queue pauses for Retry-After) and when
 * MAX_IN_FLIGHT slots are all taken (this job is delayed). Final upstream errors → failed.
 */
import { isTerminal, type SubmitJob } from '@reelay/contracts';
import { enqueueEvent, F, pendingDelivery } from '@reelay/core';
import { isVtrixError } from '@reelay/vtrix';
import { DelayedError, type Job, RateLimitError } from 'bullmq';
import type { StageDeps } from '../deps.ts';
import { ensureTerminalEvent, isRetryOfFailure } from '../fail-generation.ts';
import { pollDelay, sinceSubmit } from '../poll-schedule.ts';
import { rateLimitWaitMs } from '../rate-limit-wait.ts';
import { ensureNextJob } from '../repair.ts';
import { runStage } from '../run-stage.ts';
import { StageError } from '../stage-error.ts';
import { decideSubmit, isOwnRunningWrite } from './decide-submit.ts';
import { schedulePoll } from './schedule-poll.ts';

/** How long a submit waits for a free MAX_IN_FLIGHT slot before trying again. */
export const SLOT_WAIT_MS = 1_000;

export function processSubmit(job: Job<SubmitJob>, deps: StageDeps, token?: string): Promise<string> {
  return runStage('submit', job, deps, async () => {
    const id = job.data.generationId;
    const record = await deps.store.get(id, { attempts: false });
    if (!record) return 'no such generation';
    const decision = decideSubmit(record, isRetryOfFailure(record, job));
    if (decision.kind === 'skip') {
      await ensureTerminalEvent(deps, record);
      return decision.reason;
    }
    if (decision.kind === 'resume-polling') {
      await schedulePoll(
        deps,
        id,
        decision.pollN,
        pollDelay(deps.poll, decision.pollN, sinceSubmit(record, deps.now()), deps.random),
      );
      return `task ${decision.taskId} exists; polling resumed`;
    }

    if (!(await deps.store.acquireSlot(id, deps.maxInFlight))) {
      await job.moveToDelayed(deps.now() + SLOT_WAIT_MS, token);
      throw new DelayedError();
    }
    if (decision.uncertain) {
      deps.metrics.uncertainSubmits.inc();
      if (deps.uncertainSubmit === 'fail') {
        await deps.store.releaseSlot(id);
        throw new StageError(
          'submit',
          'REELAY_SUBMIT_UNCERTAIN',
          'an earlier create got no answer; not creating again (SUBMIT_UNCERTAIN=fail): check the upstream account, then retry the job to create anyway',
        );
      }
      deps.log.warn(
        { generationId: id, stage: 'submit' },
        'an earlier create got no answer; creating again may bill a second upstream task',
      );
    }
    const intent = await deps.store.update(id, {
      to: 'submitting',
      from: decision.from,
      unset: [F.error, F.failedBy],
      increment: F.submitIntents,
      set: { [F.submitIntentOpen]: deps.now() },
    });
    if (!intent.ok) {
      if (intent.reason === 'state' && intent.current === 'submitting') {
        // Another run of this job (a recovered stalled job, the first still running) is mid-
        // create. Creating too could bill twice; completing would strand the generation if that
        // run dies. Look again later, without spending an attempt.
        await job.moveToDelayed(deps.now() + SLOT_WAIT_MS, token);
        throw new DelayedError();
      }
      if (intent.reason === 'missing' || isTerminal(intent.current)) await deps.store.releaseSlot(id);
      return ensureNextJob(deps, id, 'generation changed before submit');
    }

    let taskId: string;
    try {
      taskId = (await deps.vtrix.createTask(record.request, { generationId: id })).id;
    } catch (e) {
      // An HTTP answer other than 2xx (a 4xx or 429) means no task was made: close the intent,
      // so the next try is not counted as uncertain. 5xx and network errors stay uncertain.
      if (isVtrixError(e) && e.httpStatus !== undefined && e.httpStatus < 500) {
        await deps.store.update(id, { unset: [F.submitIntentOpen] });
      }
      if (isVtrixError(e) && e.kind === 'rate_limited') {
        await deps.queues.submit.rateLimit(rateLimitWaitMs(e.retryAfterMs));
        throw new RateLimitError();
      }
      throw e;
    }

    const running = await deps.store.update(id, {
      to: 'running',
      from: ['submitting'],
      unset: [F.submitIntentOpen],
      set: {
        [F.taskId]: taskId,
        [F.submittedAt]: deps.now(),
        [F.pollN]: 1,
        ...pendingDelivery(record, 'generation.running'),
      },
    });
    // Refused, yet the record holds this very task: the write ran and its reply was lost, and
    // ioredis sent it again after reconnecting. Carry on as if it had answered.
    const replayed = !running.ok && isOwnRunningWrite(await deps.store.getCore(id), taskId);
    if (!running.ok && !replayed) {
      // Canceled, or a duplicate run got there first: this task is orphaned upstream. The slot
      // is the generation's, so it is freed only if the generation has ended.
      if (running.reason === 'missing' || isTerminal(running.current)) await deps.store.releaseSlot(id);
      deps.log.warn(
        { generationId: id, taskId, state: running.reason === 'missing' ? 'missing' : running.current },
        'upstream task created for a generation that moved on',
      );
      return ensureNextJob(deps, id, 'generation moved on during create');
    }
    deps.log.info({ generationId: id, taskId, stage: 'submit' }, 'upstream task created');
    await schedulePoll(deps, id, 1, pollDelay(deps.poll, 1, 0, deps.random));
    await enqueueEvent(deps.queues, record, 'generation.running');
    return `task ${taskId} created`;
  });
}
