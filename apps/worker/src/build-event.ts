import type { EventType, GenerationState, WebhookEvent } from '@reelay/contracts';
import type { GenerationRecord } from '@reelay/core';

const iso = (ms: number) => new Date(ms).toISOString();

/** The webhook body for one event of one generation: a pure function of the record and the clock. */
export function buildEvent(
  record: GenerationRecord,
  type: EventType,
  now: number,
  downloadUrl?: string,
): WebhookEvent {
  const stages: Partial<Record<GenerationState, string>> = {};
  for (const t of record.timeline) stages[t.state] ??= iso(t.at);
  const finished = record.timeline.findLast(
    (t) => t.state === 'succeeded' || t.state === 'failed' || t.state === 'canceled',
  );
  const data: WebhookEvent['data'] = {
    id: record.id,
    state: record.state,
    tenant: record.tenant,
    metadata: record.metadata ?? {},
    upstream: record.upstream.taskId ? { taskId: record.upstream.taskId } : {},
    timings: {
      createdAt: iso(record.createdAt),
      stages,
      ...(finished ? { finishedAt: iso(finished.at), durationMs: finished.at - record.createdAt } : {}),
    },
  };
  if (record.output && type === 'generation.succeeded')
    data.output = downloadUrl ? { ...record.output, url: downloadUrl } : record.output;
  if (record.error && type !== 'generation.succeeded') {
    const { resumable: _r, ...error } = record.error;
    data.error = error;
  }
  return { type, timestamp: iso(now), data };
}
