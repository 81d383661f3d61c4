import type { Metadata, WebhookTarget } from './enqueue-options.ts';
import type { EventType } from './events.ts';
import type { GenerationRequest } from './generation-request.ts';
import type { StageName } from './stages.ts';

export const GENERATION_STATES = [
  'queued',
  'submitting',
  'running',
  'copying',
  'succeeded',
  'failed',
  'canceled',
] as const;
export type GenerationState = (typeof GENERATION_STATES)[number];
export const TERMINAL_STATES: ReadonlySet<GenerationState> = new Set(['succeeded', 'failed', 'canceled']);
export const isTerminal = (s: GenerationState): boolean => TERMINAL_STATES.has(s);

export const DELIVERY_STATES = ['pending', 'delivered', 'exhausted', 'gone'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export type GenerationError = {
  stage: StageName;
  code: string;
  message: string;
  upstreamCode?: string;
  /**
   * True when the stage ran out of attempts on transient trouble (S3 down, upstream 5xx): an
   * operator's retry of that stage's job may bring the generation back. False for final
   * verdicts such as a failed upstream task.
   */
  resumable?: boolean;
};

export type GenerationOutput = {
  bucket: string;
  key: string;
  uri: string;
  size: number;
  sha256: string;
  contentType: string;
};

export type DeliveryAttempt = {
  attempt: number;
  at: number;
  status?: number;
  error?: string;
  latencyMs: number;
};

export type Delivery = {
  event: EventType;
  webhookId: string;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
};

export type TimelineEntry = { state: GenerationState; at: number };

/** The generation as callers see it (`getStatus`, the API, the dashboard's find view). */
export type GenerationStatus = {
  id: string;
  state: GenerationState;
  createdAt: number;
  updatedAt: number;
  timeline: TimelineEntry[];
  request: GenerationRequest;
  /** The tenant it belongs to (`default` when the enqueue named none). */
  tenant: string;
  /** The batch it is a member of (createBatch). */
  batchId?: string;
  /** Estimated at enqueue (reserved against the tenant's budget); actual once it ended. */
  cost: { estimatedUsd: number; actualUsd?: number };
  idempotencyKey?: string;
  webhook?: WebhookTarget;
  metadata?: Metadata;
  priority?: number;
  deadlineAt?: number;
  upstream: {
    taskId?: string;
    submittedAt?: number;
    status?: string;
    progress?: number;
    submitIntents: number;
  };
  attempts: Record<StageName, number>;
  output?: GenerationOutput;
  error?: GenerationError;
  deliveries: Delivery[];
};

/** The stage a generation in this state waits in (terminal states: where it would resume). */
export function stageOfState(state: GenerationState): Exclude<StageName, 'notify'> {
  if (state === 'running') return 'poll';
  if (state === 'copying') return 'sink';
  return 'submit';
}
