/**
 * Stage `poll`: consumes PollJob { generationId, n }, reads the upstream task once.
 * - still running → lifecycle `polled` (the fenced counter n → n+1, poll n+1 added, delayed by
 *   the schedule);
 * - completed → `taskDone` (running → copying, frees the slot, adds the sink job);
 * - failed upstream, or past POLL_DEADLINE_MS → a final StageError: the runner fails it.
 * Transient upstream errors count as "still running"; a 429 pauses the whole queue (the runner).
 */
import type { PollJob } from '@reelay/contracts';
import { isVtrixError, type VtrixTask } from '@reelay/vtrix';
import type { Job } from 'bullmq';
import type { StageDeps } from '../deps.ts';
import { runStage } from '../run-stage.ts';
import { StageError } from '../stage-error.ts';
import { decidePoll, gatePoll } from './decide-poll.ts';

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
      const record = await deps.lifecycle.resume(stored, 'poll', job);
      const gate = gatePoll(record, n);
      if (gate.kind === 'skip') {
        await deps.lifecycle.ensureTerminalEvent(record);
        return gate.reason;
      }
      // A crash came after this poll's move and before its next job was added: add it again.
      if (gate.kind === 'handoff') return deps.lifecycle.repair(id, 'completed');
      if (gate.kind === 'reschedule') return deps.lifecycle.repair(id, `poll ${n} already counted`);

      let task: VtrixTask | undefined;
      try {
        task = await deps.vtrix.getTask(gate.taskId, signal ? { signal } : {});
      } catch (e) {
        if (!isVtrixError(e) || e.kind !== 'transient') throw e;
        deps.log.warn(
          { generationId: id, taskId: gate.taskId, code: e.code, n },
          'poll failed transiently; polling on',
        );
      }

      const decision = decidePoll(record, task, n, deps.now(), deps.poll, deps.random);
      switch (decision.kind) {
        case 'again': {
          const moved = await deps.lifecycle.polled(record, n, decision);
          return moved.ok ? `still running; poll ${n + 1} in ${decision.delayMs} ms` : moved.repaired;
        }
        case 'completed': {
          const moved = await deps.lifecycle.taskDone(record, n, {
            videoUrl: decision.videoUrl,
            upstreamStatus: task?.upstreamStatus,
            costMicroUsd: decision.costMicroUsd,
          });
          return moved.ok ? 'completed; copying' : moved.repaired;
        }
        case 'failed':
          throw new StageError(
            'poll',
            'REELAY_UPSTREAM_TASK_FAILED',
            `upstream task failed: ${decision.code}: ${decision.message}`,
            { upstreamCode: decision.code, costMicroUsd: decision.costMicroUsd },
          );
        case 'deadline':
          throw new StageError('poll', 'REELAY_POLL_DEADLINE', decision.message);
      }
    },
    signal,
  );
}
