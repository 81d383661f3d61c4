/**
 * Zod schemas of what the API answers, for the OpenAPI document. The status record is a
 * TypeScript type in @reelay/contracts; the schema here mirrors it, and a compile-time check
 * below fails the typecheck the day the two drift apart.
 */
import {
  DELIVERY_STATES,
  EventType,
  GENERATION_ID,
  GENERATION_STATES,
  GenerationRequest,
  type GenerationStatus,
  Metadata,
  STAGES,
  type Tenant,
  TenantBudget,
  TenantName,
  WebhookTarget,
} from '@reelay/contracts';
import { z } from 'zod';

const Millis = z.number().int().describe('milliseconds since the Unix epoch');
export const GenerationId = z.string().regex(GENERATION_ID).describe('`gen_` + a lower-case ULID');
export const GenerationStateSchema = z.enum(GENERATION_STATES);

export const GenerationStatusSchema = z.object({
  id: GenerationId,
  state: GenerationStateSchema,
  createdAt: Millis,
  updatedAt: Millis,
  timeline: z.array(z.object({ state: GenerationStateSchema, at: Millis })),
  request: GenerationRequest,
  tenant: z.string().describe('the tenant it belongs to (`default` when the enqueue named none)'),
  batchId: z.string().optional().describe('the batch it is a member of (POST /v1/batches)'),
  cost: z
    .object({ estimatedUsd: z.number(), actualUsd: z.number().optional() })
    .describe('estimated at enqueue and reserved against the tenant budget; actual once it ended'),
  idempotencyKey: z.string().optional(),
  webhook: WebhookTarget.optional(),
  metadata: Metadata.optional(),
  priority: z.number().int().optional(),
  deadlineAt: Millis.optional(),
  upstream: z.object({
    taskId: z.string().optional(),
    submittedAt: Millis.optional(),
    status: z.string().optional(),
    progress: z.number().optional(),
    submitIntents: z.number().int(),
  }),
  attempts: z.object({
    submit: z.number().int(),
    poll: z.number().int(),
    sink: z.number().int(),
    notify: z.number().int(),
  }),
  output: z
    .object({
      bucket: z.string(),
      key: z.string(),
      uri: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      contentType: z.string(),
    })
    .optional(),
  error: z
    .object({
      stage: z.enum(STAGES),
      code: z.string(),
      message: z.string(),
      upstreamCode: z.string().optional(),
      resumable: z.boolean().optional(),
    })
    .optional(),
  deliveries: z.array(
    z.object({
      event: EventType,
      webhookId: z.string(),
      state: z.enum(DELIVERY_STATES),
      attempts: z.array(
        z.object({
          attempt: z.number().int(),
          at: Millis,
          status: z.number().int().optional(),
          error: z.string().optional(),
          latencyMs: z.number(),
        }),
      ),
    }),
  ),
});

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Fails to compile when GenerationStatus changes and this schema does not (or the reverse).
const statusSchemaInSync: Same<z.infer<typeof GenerationStatusSchema>, GenerationStatus> = true;
void statusSchemaInSync;

export const TenantSchema = z.object({
  name: TenantName,
  weight: z.number().int().describe('share of the upstream slots against other tenants with work (1-100)'),
  maxInFlight: z
    .number()
    .int()
    .nullable()
    .describe('most generations holding an upstream slot at once; null: no cap of its own'),
  budget: TenantBudget.nullable().describe('spending limit per UTC calendar period; null: none'),
  paused: z.boolean().describe('true: nothing new is submitted for it; its queued generations wait'),
  usage: z.object({
    queued: z.number().int().describe('generations waiting for a submit slot'),
    inFlight: z.number().int().describe('generations holding an upstream slot (submitting or running)'),
    reservedUsd: z.number().describe('estimates of the generations not yet ended'),
    spentUsd: z.number().describe('what ended generations cost in the current budget period'),
    periodStart: Millis.describe('start of the current budget period; 0 for `total` or without a budget'),
  }),
});
type Flat<T> = { [K in keyof T]: T[K] };
// The same check for the tenant (an intersection type in contracts, hence Flat).
const tenantSchemaInSync: Same<z.infer<typeof TenantSchema>, Flat<Tenant>> = true;
void tenantSchemaInSync;

export const CreateGenerationResult = z.object({
  id: GenerationId,
  state: GenerationStateSchema,
  created: z.boolean().describe('false when the Idempotency-Key returned an existing generation'),
});

export const CancelResult = z.object({
  id: GenerationId,
  state: z.literal('canceled'),
  canceled: z.literal(true),
});

export const StateEventSchema = z.object({ id: GenerationId, state: GenerationStateSchema, at: Millis });

export const FieldIssueSchema = z.object({
  path: z.string().describe('dotted path into the body, e.g. `request.input.media[1].type`'),
  rule: z.string().describe('the broken rule, e.g. `media_combination`, `unknown_field`'),
  message: z.string(),
});

export const ProblemSchema = z
  .object({
    type: z.string().describe('`urn:reelay:problem:<kind>`; stable'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('the request path'),
    code: z.string().describe('stable error code, e.g. `REELAY_INVALID_REQUEST`'),
    errors: z.array(FieldIssueSchema).optional().describe('every broken rule (422 only)'),
  })
  .catchall(z.unknown())
  .describe('RFC 9457 problem details');

export const HealthSchema = z.object({ status: z.literal('ok') });
