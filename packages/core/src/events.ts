import { DEFAULT_EVENTS, type EventType, jobIds, type WebhookTarget } from '@reelay/contracts';
import type { StageQueues } from './queues.ts';
import { F, type RecordCore } from './record-codec.ts';

/** The events a webhook target subscribes to (none without a URL); fixed at enqueue. */
export function wantedEvents(webhook: WebhookTarget | undefined): EventType[] {
  if (!webhook?.url) return [];
  return [...(webhook.events ?? DEFAULT_EVENTS)];
}

/** True when the generation has a webhook target that subscribed to this event. */
export function eventWanted(record: Pick<RecordCore, 'wants'>, event: EventType): boolean {
  return record.wants.includes(event);
}

/**
 * Queues one webhook event for delivery. The job id is derived from the generation and event,
 * so a second call (a recovered stage, a duplicate cancel) adds nothing.
 */
export async function enqueueEvent(
  queues: StageQueues,
  record: Pick<RecordCore, 'id' | 'wants'>,
  event: EventType,
): Promise<boolean> {
  if (!eventWanted(record, event)) return false;
  await queues.notify.add(
    'notify',
    { generationId: record.id, event },
    { jobId: jobIds.notify(record.id, event) },
  );
  return true;
}

/**
 * Record fields that open the delivery track of an event, for the same compare-and-set that
 * moves the generation: the status shows `pending` from the moment the event is due.
 */
export function pendingDelivery(record: Pick<RecordCore, 'wants'>, event: EventType): Record<string, string> {
  return eventWanted(record, event) ? { [F.delivery(event)]: 'pending' } : {};
}
