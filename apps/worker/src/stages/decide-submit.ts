import type { GenerationState } from '@reelay/contracts';
import type { GenerationRecord, RecordCore } from '@reelay/core';

export type SubmitDecision =
  | { kind: 'skip'; reason: string }
  /** The task exists upstream: make sure polling goes on, never create a second one. */
  | { kind: 'resume-polling'; taskId: string; pollN: number }
  /**
   * Create the upstream task. `uncertain` is the one double-billing window: an earlier attempt
   * announced a create and never learned whether it happened (killed, or the reply was lost).
   */
  | { kind: 'create'; from: GenerationState[]; uncertain: boolean };

/**
 * What a submit job should do, given the record as it is now. `retried`: this run is an
 * operator's retry of the submit run that failed the generation (isRetryOfFailure).
 */
export function decideSubmit(record: GenerationRecord, retried = false): SubmitDecision {
  const taskId = record.upstream.taskId;
  if (taskId && (record.state === 'running' || record.state === 'submitting')) {
    return { kind: 'resume-polling', taskId, pollN: Math.max(1, record.pollN) };
  }
  switch (record.state) {
    case 'queued':
      return { kind: 'create', from: ['queued'], uncertain: false };
    case 'submitting':
      return { kind: 'create', from: ['submitting'], uncertain: record.intentOpen };
    case 'failed':
      // An operator retried a submit that had failed resumably (e.g. after fixing the API key).
      if (retried && record.error?.stage === 'submit' && record.error.resumable && !taskId)
        return { kind: 'create', from: ['failed'], uncertain: false };
      return { kind: 'skip', reason: 'generation failed' };
    case 'running':
    case 'copying':
    case 'succeeded':
    case 'canceled':
      return { kind: 'skip', reason: `generation is ${record.state}` };
  }
}

/**
 * Whether a refused `submitting → running` write was this run's own, run twice: the record is
 * `running` with the task id this run just got (task ids are unique per create).
 */
export function isOwnRunningWrite(
  record: Pick<RecordCore, 'state' | 'upstream'> | undefined,
  taskId: string,
): boolean {
  return record?.state === 'running' && record.upstream.taskId === taskId;
}
