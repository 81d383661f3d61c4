// Turns any task reply variant from docs/upstream/VTRIX.md into one VtrixTask. Pure. Throws VtrixError
// when the reply cannot be read as a task (transient BAD_REPLY) or when a completed task
// has no video (final NO_VIDEO: polling again will not produce one).

import { assertNever, TASK_CANCELED_CODE, TASK_FAILED_CODE, VtrixError } from './errors.ts';
import {
  type ContentItem,
  contentItems,
  idOf,
  mergeErrors,
  numberFrom,
  type TaskReply,
  unwrapTask,
} from './reply-shape.ts';
import type { VtrixTask } from './types.ts';
import { readErrorValue } from './upstream-error-body.ts';

export type StatusClass = 'running' | 'completed' | 'failed' | 'canceled';

const COMPLETED = new Set(['completed', 'complete', 'success', 'succeeded', 'succeed', 'done', 'finished']);
const FAILED = new Set(['failed', 'failure', 'fail', 'error', 'errored']);
const CANCELED = new Set(['canceled', 'cancelled']);

/** Any case; anything not recognized as terminal is still running (docs/upstream/VTRIX.md). */
export function classifyStatus(raw: string): StatusClass {
  const s = raw.trim().toLowerCase();
  if (COMPLETED.has(s)) return 'completed';
  if (FAILED.has(s)) return 'failed';
  if (CANCELED.has(s)) return 'canceled';
  return 'running';
}

/** 0..1. Values above 1 are read as percentages (some upstreams report 0–100). */
export function normalizeProgress(value: unknown): number | undefined {
  const n = numberFrom(value);
  if (n === undefined) return undefined;
  const fraction = n > 1 ? n / 100 : n;
  return Math.min(1, Math.max(0, fraction));
}

export function normalizeCost(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function urlOf(item: ContentItem): string | undefined {
  if (item.url && item.url.trim() !== '') return item.url.trim();
  const alt = item.video_url;
  if (typeof alt === 'string' && alt.trim() !== '') return alt.trim();
  if (typeof alt === 'object' && alt !== null) {
    const nested = (alt as { url?: unknown }).url;
    if (typeof nested === 'string' && nested.trim() !== '') return nested.trim();
  }
  return undefined;
}

function stringUrl(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The first `video` / `video_url` content of `output[].content[]` that has a URL; DashScope's
 * `video_url` (on `output`, or on the task when the task came out of `output`) as a fallback.
 */
export function findVideo(task: TaskReply): VtrixTask['video'] {
  for (const item of contentItems(task.output)) {
    const type = item.type?.trim().toLowerCase();
    if (type !== 'video' && type !== 'video_url') continue;
    const url = urlOf(item);
    if (url === undefined) continue;
    const durationS = numberFrom(item.duration);
    return durationS === undefined || durationS < 0 ? { url } : { url, durationS };
  }
  const url = stringUrl(asRecord(task.output)?.video_url) ?? stringUrl(task.video_url);
  return url === undefined ? undefined : { url };
}

function failureOf(task: TaskReply, canceled: boolean): { code: string; message: string } {
  // Vtrix puts it in `error`; DashScope puts code and message beside the status.
  const info = mergeErrors(
    readErrorValue(task.error),
    readErrorValue(asRecord(task.output)),
    readErrorValue(task),
  );
  if (canceled) return { code: TASK_CANCELED_CODE, message: info.message ?? 'Vtrix task was canceled' };
  return { code: info.code ?? TASK_FAILED_CODE, message: info.message ?? 'Vtrix task failed' };
}

export function normalizeTask(json: unknown): VtrixTask {
  const unwrapped = unwrapTask(json);
  if (!unwrapped.ok) {
    throw new VtrixError('REELAY_UPSTREAM_BAD_REPLY', {
      message: 'Vtrix task reply has no task id',
      upstreamCode: unwrapped.error.code,
      upstreamMessage: unwrapped.error.message,
    });
  }
  const reply = unwrapped.task;
  const id = idOf(reply)!;
  const upstreamStatus = reply.status ?? reply.task_status;
  if (upstreamStatus === undefined) {
    throw new VtrixError('REELAY_UPSTREAM_BAD_REPLY', { message: `Vtrix task ${id} reply has no status` });
  }

  const task: VtrixTask = { id, status: 'running', upstreamStatus };
  const cost = normalizeCost(reply.usage?.cost);
  if (cost !== undefined) task.cost = cost;

  // DashScope answers UNKNOWN for a task whose data expired (24 h): it will never finish.
  if (upstreamStatus.trim().toLowerCase() === 'unknown') {
    throw new VtrixError('REELAY_UPSTREAM_TASK_NOT_FOUND', {
      message: `Vtrix task ${id} is ${upstreamStatus}: the upstream no longer knows it (task data expires; 24 h on DashScope)`,
    });
  }
  const statusClass = classifyStatus(upstreamStatus);
  switch (statusClass) {
    case 'running': {
      const progress = normalizeProgress(reply.progress);
      if (progress !== undefined) task.progress = progress;
      return task;
    }
    case 'completed': {
      const video = findVideo(reply);
      if (!video) {
        throw new VtrixError('REELAY_UPSTREAM_NO_VIDEO', {
          message: `Vtrix task ${id} is ${upstreamStatus} but has no video URL`,
        });
      }
      const progress = normalizeProgress(reply.progress);
      return { ...task, status: 'completed', video, ...(progress === undefined ? {} : { progress }) };
    }
    case 'failed':
    case 'canceled':
      return {
        ...task,
        status: 'failed',
        error: failureOf(reply, statusClass === 'canceled'),
      };
    default:
      return assertNever(statusClass);
  }
}
