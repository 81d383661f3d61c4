import type { RecordCore } from '@reelay/core';

export type SubmitDecision =
  | { kind: 'skip'; reason: string }
  /** The task exists upstream: make sure polling goes on, never create a second one. */
  | { kind: 'resume-polling'; taskId: string }
  /**
   * Create the upstream task. `uncertain` is the one double-billing window: an earlier attempt
   * announced a create and never learned whether it happened (killed, or the reply was lost).
   */
  | { kind: 'create'; uncertain: boolean };

/**
 * What a submit job should do, given the record as it is now (after an operator's retry has
 * resumed it: a failed generation is no longer `failed` then).
 */
export function decideSubmit(record: Pick<RecordCore, 'state' | 'upstream' | 'intentOpen'>): SubmitDecision {
  const taskId = record.upstream.taskId;
  if (taskId && (record.state === 'running' || record.state === 'submitting')) {
    return { kind: 'resume-polling', taskId };
  }
  switch (record.state) {
    case 'queued':
      return { kind: 'create', uncertain: false };
    case 'submitting':
      return { kind: 'create', uncertain: record.intentOpen };
    case 'running':
    case 'copying':
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return { kind: 'skip', reason: `generation is ${record.state}` };
  }
}
