/**
 * Zod schemas of what the API answers, for the OpenAPI document. The status record is a
 * TypeScript type in @reelay/contracts; the schema here mirrors it, and a compile-time check
 * below fails the typecheck the day the two drift apart.
 */
import {
  BATCH_ID,
  BATCH_STATES,
  type Batch,
  type BatchCreateResult,
  type BatchGenerationsPage,
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

export const BatchId = z.string().regex(BATCH_ID).describe('`bat_` + a lower-case ULID');
/** A member's state; `expired` when its record is gone (records expire after their retention). */
const MemberState = z.union([GenerationStateSchema, z.literal('expired')]);

export const BatchCountsSchema = z
  .object({
    total: z.number().int(),
    ...Object.fromEntries(GENERATION_STATES.map((s) => [s, z.number().int()])),
  } as { total: z.ZodNumber } & Record<(typeof GENERATION_STATES)[number], z.ZodNumber>)
  .describe('how many members are in each state, and in all; exact at every moment');

export const BatchSchema = z.object({
  id: BatchId,
  tenant: z.string().describe('the tenant it belongs to'),
  state: z
    .enum(BATCH_STATES)
    .describe('`completed` or `canceled` once every member is terminal (`canceled` when a cancel was asked)'),
  counts: BatchCountsSchema,
  created: Millis.describe('when it was created'),
  completed: Millis.optional().describe('when its last member ended; absent while in progress'),
  metadata: Metadata.optional(),
  webhook: WebhookTarget.optional(),
  idempotencyKey: z.string().optional(),
  costUsd: z
    .object({ estimated: z.number(), actual: z.number() })
    .describe('sums over the members: estimated at create, actual as they end (USD)'),
  manifest: z
    .object({ bucket: z.string(), key: z.string() })
    .optional()
    .describe('the results file (JSON lines, one per member), once written'),
  round: z
    .number()
    .int()
    .describe('how often every member has ended (2 after an operator retried failed members)'),
});
// BatchCounts is an intersection in contracts: compared flattened, as the tenant is.
type FlatBatch = Flat<Omit<Batch, 'counts'> & { counts: Flat<Batch['counts']> }>;
const batchSchemaInSync: Same<Flat<z.infer<typeof BatchSchema>>, FlatBatch> = true;
void batchSchemaInSync;

export const BatchCreateResultSchema = z.object({
  id: BatchId,
  created: z.boolean().describe('false when the Idempotency-Key returned an existing batch'),
  generations: z
    .array(z.object({ id: GenerationId, state: MemberState, created: z.boolean() }))
    .describe('the members, in the order of the items'),
});
const batchCreateInSync: Same<z.infer<typeof BatchCreateResultSchema>, BatchCreateResult> = true;
void batchCreateInSync;

export const BatchGenerationsPageSchema = z.object({
  items: z
    .array(z.object({ id: GenerationId, state: MemberState }))
    .describe('members in the order of the items'),
  cursor: z
    .string()
    .optional()
    .describe('pass it back as `cursor` for the next page; absent on the last one'),
});
const batchPageInSync: Same<z.infer<typeof BatchGenerationsPageSchema>, BatchGenerationsPage> = true;
void batchPageInSync;

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
