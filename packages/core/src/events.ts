import { DEFAULT_EVENTS, type EventType, type GenerationStatus, jobIds } from '@reelay/contracts';
import type { StageQueues } from './queues.ts';
import { F } from './record-codec.ts';

/** True when the generation has a webhook target that subscribed to this event. */
export function eventWanted(record: Pick<GenerationStatus, 'webhook'>, event: EventType): boolean {
  if (!record.webhook?.url) return false;
  return (record.webhook.events ?? DEFAULT_EVENTS).includes(event);
}

/**
 * Queues one webhook event for delivery. The job id is derived from the generation and event,
 * so a second call (a recovered stage, a duplicate cancel) adds nothing.
 */
export async function enqueueEvent(
  queues: StageQueues,
  record: Pick<GenerationStatus, 'id' | 'webhook'>,
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
export function pendingDelivery(
  record: Pick<GenerationStatus, 'webhook'>,
  event: EventType,
): Record<string, string> {
  return eventWanted(record, event) ? { [F.delivery(event)]: 'pending' } : {};
}
