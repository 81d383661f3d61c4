import { toMicroUsd } from '@reelay/contracts';
import { type PollSchedule, pollDelay, type RecordCore } from '@reelay/core';
import type { VtrixTask } from '@reelay/vtrix';

export type PollGate =
  | { kind: 'skip'; reason: string }
  /** A crash came between counting this poll and adding the next: add it again (a no-op if it exists). */
  | { kind: 'reschedule'; n: number }
  /** This poll saw completion and a crash came before the sink job was added: add it again. */
  | { kind: 'handoff' }
  | { kind: 'poll'; taskId: string };

/**
 * Whether poll job `n` may run. The record's poll counter fences duplicates: only the job whose
 * number matches may read the task, so two chains of polls can never run for one generation.
 */
export function gatePoll(record: RecordCore, n: number): PollGate {
  // The completing poll leaves the counter at its own number: only it may re-add the sink job.
  if (record.state === 'copying' && record.pollN === n) return { kind: 'handoff' };
  if (record.state !== 'running') return { kind: 'skip', reason: `generation is ${record.state}` };
  const taskId = record.upstream.taskId;
  if (!taskId) return { kind: 'skip', reason: 'no upstream task id' };
  if (record.pollN === n) return { kind: 'poll', taskId };
  if (record.pollN === n + 1) return { kind: 'reschedule', n: n + 1 };
  return { kind: 'skip', reason: `stale poll ${n} (current ${record.pollN})` };
}

export type PollDecision =
  | { kind: 'again'; delayMs: number; upstreamStatus?: string; progress?: number }
  | { kind: 'completed'; videoUrl: string; costMicroUsd?: number }
  | { kind: 'failed'; code: string; message: string; costMicroUsd?: number }
  | { kind: 'deadline'; message: string };

/**
 * The next step after reading the task once (or failing to: `task` undefined after a transient
 * error). Deadlines count from the submit, so a task that never finishes ends failed, not polled forever.
 */
export function decidePoll(
  record: RecordCore,
  task: VtrixTask | undefined,
  n: number,
  now: number,
  schedule: PollSchedule,
  random: () => number,
): PollDecision {
  // What the upstream says the task cost (usage.cost), settled against the tenant's budget.
  const cost = task?.cost !== undefined ? Number(task.cost) : Number.NaN;
  const billed = Number.isFinite(cost) && cost >= 0 ? { costMicroUsd: toMicroUsd(cost) } : {};
  if (task?.status === 'completed' && task.video)
    return { kind: 'completed', videoUrl: task.video.url, ...billed };
  if (task?.status === 'failed') {
    return {
      kind: 'failed',
      code: task.error?.code ?? 'UNKNOWN',
      message: task.error?.message ?? `upstream status ${task.upstreamStatus}`,
      ...billed,
    };
  }
  const submittedAt = record.upstream.submittedAt ?? record.createdAt;
  // An operator's resume sets a fresh deadline; otherwise it counts from the submit.
  const deadlineAt = record.deadlineAt ?? submittedAt + schedule.deadlineMs;
  const delayMs = pollDelay(schedule, n + 1, now - submittedAt, random);
  if (now + delayMs > deadlineAt) {
    const minutes = Math.round((now - submittedAt) / 60_000);
    return {
      kind: 'deadline',
      message: `task ${record.upstream.taskId} still ${task?.upstreamStatus ?? record.upstream.status ?? 'running'} after ${minutes} min; the next poll would pass the deadline (POLL_DEADLINE_MS=${schedule.deadlineMs})`,
    };
  }
  const out: PollDecision = { kind: 'again', delayMs };
  if (task) {
    out.upstreamStatus = task.upstreamStatus;
    if (task.progress !== undefined) out.progress = task.progress;
  }
  return out;
}
