import { jobIds } from '@reelay/contracts';
import type { StageDeps } from './deps.ts';
import { ensureTerminalEvent } from './fail-generation.ts';
import { pollDelay, sinceSubmit } from './poll-schedule.ts';
import { schedulePoll } from './stages/schedule-poll.ts';

/**
 * Called when a stage's compare-and-set is refused: another run of the same step (a recovered
 * stalled job racing the original) moved the generation on, and may have died before adding
 * the next job. Re-read the record and make sure the job its state needs exists. Every add
 * uses the step's deterministic job id, and the poll counter admits one poll chain, so this
 * never makes work twice. Returns what it did, for the job's return value.
 */
export async function ensureNextJob(deps: StageDeps, id: string, why: string): Promise<string> {
  const record = await deps.store.getCore(id);
  if (!record) return `${why}; no record`;
  switch (record.state) {
    case 'running':
      if (!record.upstream.taskId || record.pollN < 1) return `${why}; nothing to poll yet`;
      await schedulePoll(
        deps,
        id,
        record.pollN,
        pollDelay(deps.poll, record.pollN, sinceSubmit(record, deps.now()), deps.random),
      );
      return `${why}; poll ${record.pollN} ensured`;
    case 'copying':
      await deps.queues.sink.add('sink', { generationId: id }, { jobId: jobIds.sink(id) });
      return `${why}; sink ensured`;
    case 'succeeded':
    case 'failed':
    case 'canceled':
      await ensureTerminalEvent(deps, record);
      return `${why}; ${record.state}, event ensured`;
    case 'queued':
    case 'submitting':
      return `${why}; still ${record.state}`;
  }
}
