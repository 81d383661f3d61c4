import { z } from 'zod';

export const EVENT_TYPES = [
  'generation.running',
  'generation.succeeded',
  'generation.failed',
  'generation.canceled',
] as const;
export const EventType = z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` });
export type EventType = z.infer<typeof EventType>;

/** Events sent when a generation names none: the terminal ones. `running` is opt-in. */
export const DEFAULT_EVENTS: ReadonlyArray<EventType> = [
  'generation.succeeded',
  'generation.failed',
  'generation.canceled',
];

/** `generation.succeeded` → `succeeded`: the suffix used in job ids and webhook ids. */
export function eventSuffix(event: EventType): string {
  return event.slice('generation.'.length);
}

/**
 * The `webhook-id` of one event of one generation: the same on every retry and every manual
 * redelivery, so receivers can dedupe on it.
 */
export function webhookIdFor(generationId: string, event: EventType): string {
  return `msg_${generationId.slice('gen_'.length)}_${eventSuffix(event)}`;
}
