import { z } from 'zod';

export const EVENT_TYPES = [
  'generation.running',
  'generation.succeeded',
  'generation.failed',
  'generation.canceled',
] as const;
export const EventType = z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` });
export type EventType = z.infer<typeof EventType>;

/** Events of a batch (a target subscribes to them like to a generation's). */
export const BATCH_EVENT_TYPES = ['batch.completed'] as const;
export type BatchEventType = (typeof BATCH_EVENT_TYPES)[number];

/** Every event a webhook target may subscribe to: a generation's and a batch's. */
export const SUBSCRIBABLE_EVENTS = [...EVENT_TYPES, ...BATCH_EVENT_TYPES] as const;
export const SubscribableEvent = z.enum(SUBSCRIBABLE_EVENTS, {
  error: `must be one of ${SUBSCRIBABLE_EVENTS.join(', ')}`,
});
export type SubscribableEvent = z.infer<typeof SubscribableEvent>;

export const isGenerationEvent = (e: SubscribableEvent): e is EventType =>
  (EVENT_TYPES as readonly string[]).includes(e);

/**
 * Events sent when a target names none: a generation's terminal ones (`running` is opt-in) and,
 * for a batch's target, `batch.completed`.
 */
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
