/**
 * Stage `poll`: consumes PollJob { generationId, n }, reads the upstream task once.
 * - still running → counter n → n+1 (fenced) and PollJob n+1, delayed by the schedule;
 * - completed → running → copying, frees the in-flight slot, produces SinkJob;
 * - failed upstream, or past POLL_DEADLINE_MS → failed (+ generation.failed).
 * Transient upstream errors count as "still running"; a 429 pauses the whole poll queue.
 */
import { jobIds, type PollJob } from '@reelay/contracts';
import { F } from '@reelay/core';
import { isVtrixError, type VtrixTask } from '@reelay/vtrix';
import { type Job, RateLimitError } from 'bullmq';
import type { StageDeps } from '../deps.ts';
import { ensureTerminalEvent, resumeIfRetried } from '../fail-generation.ts';
import { pollDelay, sinceSubmit } from '../poll-schedule.ts';
import { rateLimitWaitMs } from '../rate-limit-wait.ts';
import { ensureNextJob } from '../repair.ts';
import { runStage } from '../run-stage.ts';
import { StageError } from '../stage-error.ts';
import { decidePoll, gatePoll } from './decide-poll.ts';
import { schedulePoll } from './schedule-poll.ts';

export function processPoll(
  job: Job<PollJob>,
  deps: StageDeps,
  _token?: string,
  signal?: AbortSignal,
): Promise<string> {
  return runStage(
    'poll',
    job,
    deps,
    async () => {
      const { generationId: id, n } = job.data;
      const stored = await deps.store.getCore(id);
      if (!stored) return 'no such generation';
      const record = await resumeIfRetried(deps, stored, 'poll', job);
      const gate = gatePoll(record, n);
      if (gate.kind === 'skip') {
        await ensureTerminalEvent(deps, record);
        return gate.reason;
      }
      if (gate.kind === 'handoff') {
        await deps.queues.sink.add('sink', { generationId: id }, { jobId: jobIds.sink(id) });
        return 'completed; sink job re-added';
      }
      if (gate.kind === 'reschedule') {
        await schedulePoll(
          deps,
          id,
          gate.n,
          pollDelay(deps.poll, gate.n, sinceSubmit(record, deps.now()), deps.random),
        );
        return `poll ${gate.n} re-added`;
      }

      let task: VtrixTask | undefined;
      try {
        task = await deps.vtrix.getTask(gate.taskId, signal ? { signal } : {});
      } catch (e) {
        if (!isVtrixError(e)) throw e;
        if (e.kind === 'rate_limited') {
          await deps.queues.poll.rateLimit(rateLimitWaitMs(e.retryAfterMs));
          throw new RateLimitError();
        }
        if (e.kind === 'final') throw e;
        deps.log.warn(
          { generationId: id, taskId: gate.taskId, code: e.code, n },
          'poll failed transiently; polling on',
        );
      }

      const decision = decidePoll(record, task, n, deps.now(), deps.poll, deps.random);
      switch (decision.kind) {
        case 'again': {
          const set: Record<string, string | number> = { [F.pollN]: n + 1 };
          if (decision.upstreamStatus) set[F.upstreamStatus] = decision.upstreamStatus;
          if (decision.progress !== undefined) set[F.progress] = decision.progress;
          const advanced = await deps.store.update(id, {
            from: ['running'],
            guard: { field: F.pollN, equals: String(n) },
            set,
            increment: F.attempt('poll'),
          });
          if (!advanced.ok) return ensureNextJob(deps, id, 'poll superseded');
          await schedulePoll(deps, id, n + 1, decision.delayMs);
          return `still running; poll ${n + 1} in ${decision.delayMs} ms`;
        }
        case 'completed': {
          const moved = await deps.store.update(id, {
            to: 'copying',
            from: ['running'],
            guard: { field: F.pollN, equals: String(n) },
            set: {
              [F.videoUrl]: decision.videoUrl,
              [F.upstreamStatus]: task?.upstreamStatus ?? 'completed',
              [F.progress]: 1,
            },
            increment: F.attempt('poll'),
          });
          if (!moved.ok) return ensureNextJob(deps, id, 'completion already handled');
          await deps.store.releaseSlot(id);
          await deps.queues.sink.add('sink', { generationId: id }, { jobId: jobIds.sink(id) });
          return 'completed; copying';
        }
        case 'failed':
          throw new StageError(
            'poll',
            'REELAY_UPSTREAM_TASK_FAILED',
            `upstream task failed: ${decision.code}: ${decision.message}`,
            { upstreamCode: decision.code },
          );
        case 'deadline':
          throw new StageError('poll', 'REELAY_POLL_DEADLINE', decision.message);
      }
    },
    signal,
  );
}
