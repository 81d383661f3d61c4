import { isTerminal, stageOfState } from '@reelay/contracts';
import type { StageDeps } from './deps.ts';

/**
 * Fails every generation past its deadline that is not terminal yet, so nothing waits forever
 * (a lost job, a stuck queue, a limit that never frees). Every worker sweeps; the lifecycle's
 * compare-and-set makes concurrent sweeps harmless. Returns how many it ended.
 */
export async function sweepDeadlines(deps: StageDeps, deadlineMs: number): Promise<number> {
  let ended = 0;
  for (const id of await deps.store.overdue()) {
    const record = await deps.store.getCore(id);
    if (!record || isTerminal(record.state)) {
      await deps.lifecycle.forgetDeadline(id);
      continue;
    }
    const minutes = Math.round(deadlineMs / 60_000);
    const failed = await deps.lifecycle.fail(record, {
      stage: stageOfState(record.state),
      code: 'REELAY_GENERATION_DEADLINE',
      message: `not finished within GENERATION_DEADLINE_MS (${deadlineMs} ms, ~${minutes} min); it was still ${record.state}`,
      resumable: false,
    });
    if (failed.ok) {
      deps.log.warn(
        { generationId: id, code: 'REELAY_GENERATION_DEADLINE' },
        'generation failed at its deadline',
      );
      ended++;
    }
  }
  return ended;
}
