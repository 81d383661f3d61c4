import { z } from 'zod';
import { SubscribableEvent } from './events.ts';
import { TenantName } from './tenant.ts';
import { ReelayValidationError, toFieldIssues } from './validation-error.ts';

/** BullMQ's priority ceiling (2^21); 1 is the highest priority. */
export const MAX_PRIORITY = 2_097_152;
const MAX_METADATA_BYTES = 2048;

export const WebhookTarget = z.strictObject({
  url: z.url({ error: 'must be an absolute URL' }),
  events: z.array(SubscribableEvent).min(1, { error: 'needs at least one event' }).optional(),
});
export type WebhookTarget = z.infer<typeof WebhookTarget>;

export const Metadata = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]), {
    error: 'must be an object of string, number, boolean or null values',
  })
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_METADATA_BYTES, {
    error: `must be at most ${MAX_METADATA_BYTES} bytes as JSON`,
    params: { rule: 'max_size' },
  });
export type Metadata = z.infer<typeof Metadata>;

export const EnqueueOptions = z.strictObject({
  /** Whose work this is: fair share, caps and budgets are per tenant (README, "Tenants"). */
  tenant: TenantName.optional(),
  idempotencyKey: z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1-255 printable ASCII characters without spaces' })
    .optional(),
  webhook: WebhookTarget.optional(),
  metadata: Metadata.optional(),
  priority: z
    .number()
    .int({ error: `must be an integer from 1 to ${MAX_PRIORITY}` })
    .min(1, { error: `must be an integer from 1 to ${MAX_PRIORITY}` })
    .max(MAX_PRIORITY, { error: `must be an integer from 1 to ${MAX_PRIORITY}` })
    .optional(),
});
export type EnqueueOptions = z.infer<typeof EnqueueOptions>;

export function parseEnqueueOptions(value: unknown): EnqueueOptions {
  const result = EnqueueOptions.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ReelayValidationError(toFieldIssues(result.error.issues, 'options'), 'enqueue options');
}
