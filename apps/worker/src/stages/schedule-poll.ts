import { jobIds } from '@reelay/contracts';
import type { StageDeps } from '../deps.ts';

/** Adds poll job `n`; its id makes a second add for the same step a no-op. */
export async function schedulePoll(
  deps: StageDeps,
  generationId: string,
  n: number,
  delayMs: number,
): Promise<void> {
  await deps.queues.poll.add(
    'poll',
    { generationId, n },
    { jobId: jobIds.poll(generationId, n), delay: delayMs },
  );
}
