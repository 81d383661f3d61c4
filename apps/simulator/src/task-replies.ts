/**
 * Reply bodies for create and poll (docs/upstream/VTRIX.md "Create a task" / "Poll a task"), with the
 * spelling variants the real API is known to use and the old `{data, status}` envelope.
 * Pure: the URL of a completed task is minted by the caller and passed in.
 *
 * Variant bits of `task.variant`: 0–1 running status, 2 success status, 3 content type,
 * 4 duration as string, 5–6 cost form, 7 created_at as an ISO string (create), 8+ error shape.
 */
import { taskError } from './error-bodies.ts';
import { assertNever, type Task, type TaskPhase } from './task-model.ts';

export const MODEL = 'wan27_i2v';

export type CreateReply = {
  id: string;
  /** Milliseconds; with status variants, sometimes an ISO 8601 string (both appear in the docs). */
  created_at: number | string;
  status: 'in_progress';
  model: typeof MODEL;
};

export function createReply(task: Task, statusVariants = false): CreateReply {
  const createdAt =
    statusVariants && bit(task.variant, 7) ? new Date(task.createdAt).toISOString() : task.createdAt;
  return { id: task.id, created_at: createdAt, status: 'in_progress', model: MODEL };
}

export interface ReplyOptions {
  statusVariants: boolean;
  /** Signed download URL; required when the phase is `completed`. */
  resultUrl?: string;
}

const bit = (variant: number, n: number): boolean => ((variant >>> n) & 1) === 1;

/** Early in a run a task is queued (pending / in_queue), later it is working (processing / in_progress). */
export function runningStatus(task: Task, progress: number, statusVariants: boolean): string {
  if (!statusVariants) return 'in_progress';
  if (progress < 0.25) return bit(task.variant, 0) ? 'in_queue' : 'pending';
  return bit(task.variant, 1) ? 'processing' : 'in_progress';
}

export function successStatus(task: Task, statusVariants: boolean): string {
  return statusVariants && bit(task.variant, 2) ? 'success' : 'completed';
}

/** `usage.cost`: a number normally; with variants a string, number, "" or null. */
export function usageCost(task: Task, statusVariants: boolean): string | number | null {
  const cost = Math.round(task.videoSeconds * 10) / 100; // 0.10 per second of video
  if (!statusVariants) return cost;
  switch ((task.variant >>> 5) & 3) {
    case 0:
      return cost.toFixed(2);
    case 1:
      return cost;
    case 2:
      return '';
    default:
      return null;
  }
}

/** A reply body that has an id (what the envelope renames to `task_id`). */
export type TaskBody = { id: string } & Record<string, unknown>;

export function pollReply(task: Task, phase: TaskPhase, options: ReplyOptions): TaskBody {
  const variants = options.statusVariants;
  const base = { id: task.id, model: MODEL, created_at: task.createdAt };
  switch (phase.state) {
    case 'running':
      return {
        ...base,
        status: runningStatus(task, phase.progress, variants),
        progress: phase.progress,
        metadata: { submitted_at: task.createdAt },
      };
    case 'completed': {
      if (options.resultUrl === undefined) throw new Error('a completed task needs a result URL');
      const content = {
        type: variants && bit(task.variant, 3) ? 'video_url' : 'video',
        url: options.resultUrl,
        duration: variants && bit(task.variant, 4) ? String(task.videoSeconds) : task.videoSeconds,
        jobId: `job-${task.id}`,
      };
      return {
        ...base,
        status: successStatus(task, variants),
        output: [{ content: [content] }],
        usage: { cost: usageCost(task, variants) },
        metadata: timing(task, phase.finishedAt),
      };
    }
    case 'failed':
      return {
        ...base,
        status: 'failed',
        error: taskError(task.variant >>> 8),
        usage: { cost: variants ? usageCost(task, true) : 0 },
        metadata: timing(task, phase.finishedAt),
      };
    default:
      return assertNever(phase);
  }
}

function timing(task: Task, finishedAt: number): Record<string, number> {
  return { submitted_at: task.createdAt, finished_at: finishedAt, elapsed_ms: finishedAt - task.createdAt };
}

/** The older envelope: `{data: {...task_id instead of id...}, status: {code: 0, message}}`. */
export function wrapInEnvelope(body: TaskBody): Record<string, unknown> {
  const { id, ...rest } = body;
  return { data: { task_id: id, ...rest }, status: { code: 0, message: 'success' } };
}
