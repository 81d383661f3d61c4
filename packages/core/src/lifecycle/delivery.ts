import {
  DEFAULT_EVENTS,
  type EventType,
  isGenerationEvent,
  jobIds,
  type WebhookTarget,
} from '@reelay/contracts';
import type { StageQueues } from '../queues.ts';
import { F, type RecordCore } from '../record-codec.ts';

/** The generation events a webhook target subscribes to (none without a URL); fixed at enqueue. */
export function wantedEvents(webhook: WebhookTarget | undefined): EventType[] {
  if (!webhook?.url) return [];
  return webhook.events ? webhook.events.filter(isGenerationEvent) : [...DEFAULT_EVENTS];
}

/** Whether a batch's webhook target wants batch.completed (it does unless its filter leaves it out). */
export function wantsBatchCompleted(webhook: WebhookTarget | undefined): boolean {
  return Boolean(webhook?.url) && (!webhook?.events || webhook.events.includes('batch.completed'));
}

/**
 * Whether an event may be sent for this record: only a lifecycle move opens an event's delivery
 * track, in the same write that makes the move (transitions.ts: `event`). A notify job for an
 * event whose track was never opened (one added by hand for a generation still running, say) is
 * refused, so no signed event can claim a video that does not exist.
 */
export function deliveryDue(record: Pick<RecordCore, 'deliveries'>, event: EventType): boolean {
  return record.deliveries.some((d) => d.event === event);
}

/** Record fields that open an event's delivery track, when the generation's target wants it. */
export function openDelivery(record: Pick<RecordCore, 'wants'>, event: EventType): Record<string, string> {
  return record.wants.includes(event) ? { [F.delivery(event)]: 'pending' } : {};
}

/**
 * Queues one webhook event for delivery, when the target wants it. The job id is derived from the
 * generation and event, so a second call (a recovered stage, a duplicate cancel) adds nothing.
 */
export async function queueEvent(
  queues: Pick<StageQueues, 'notify'>,
  record: Pick<RecordCore, 'id' | 'wants'>,
  event: EventType,
): Promise<boolean> {
  if (!record.wants.includes(event)) return false;
  await queues.notify.add(
    'notify',
    { generationId: record.id, event },
    { jobId: jobIds.notify(record.id, event) },
  );
  return true;
}
