// Reads a create reply. Pure. A reply without a task id is a failed create (final): the
// upstream said no in a 2xx, and sending the same request again would be refused again.

import { VTRIX_ERRORS, VtrixError } from './errors.ts';
import { idOf, numberFrom, unwrapTask } from './reply-shape.ts';
import type { CreatedTask } from './types.ts';

export function normalizeCreated(json: unknown): CreatedTask {
  const unwrapped = unwrapTask(json);
  if (!unwrapped.ok) {
    const { code, message } = unwrapped.error;
    const detail = [code, message].filter((part) => part !== undefined).join(': ');
    throw new VtrixError('REELAY_UPSTREAM_CREATE_FAILED', {
      message: `${VTRIX_ERRORS.REELAY_UPSTREAM_CREATE_FAILED.message}: ${detail || 'reply has no task id'}`,
      upstreamCode: code,
      upstreamMessage: message,
    });
  }
  const reply = unwrapped.task;
  const created: CreatedTask = {
    id: idOf(reply)!,
    upstreamStatus: reply.status ?? reply.task_status ?? 'unknown',
  };
  // Milliseconds, or an ISO 8601 string (both appear in the Vtrix docs).
  const createdAt =
    numberFrom(reply.created_at) ??
    (typeof reply.created_at === 'string' && !Number.isNaN(Date.parse(reply.created_at))
      ? Date.parse(reply.created_at)
      : undefined);
  if (createdAt !== undefined) created.createdAt = createdAt;
  return created;
}
