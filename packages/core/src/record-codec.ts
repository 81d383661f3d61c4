import type {
  Delivery,
  DeliveryAttempt,
  DeliveryState,
  EventType,
  GenerationError,
  GenerationOutput,
  GenerationState,
  GenerationStatus,
  StageName,
  TimelineEntry,
} from '@reelay/contracts';
import { DEFAULT_TENANT, EVENT_TYPES, eventSuffix, fromMicroUsd, webhookIdFor } from '@reelay/contracts';

/**
 * The status record is one Redis hash with short field names (it is read on every stage run and
 * there may be 100k of them), the input it was made from (one JSON string, written once), and a
 * capped list of delivery attempts. The hash's values stay short while a generation is in flight
 * (the timeline holds times relative to `created`), so Redis keeps it listpack-encoded: a hash
 * with any value over 64 bytes (hash-max-listpack-value) costs about twice the memory.
 * This file is the one place that knows the field names.
 */
export const F = {
  state: 's',
  created: 'c',
  updated: 'u',
  /** `state@ms-after-created|…` */
  timeline: 'tl',
  deadline: 'dl',
  taskId: 'tk',
  submittedAt: 'sa',
  submitIntents: 'si',
  /** Set just before an upstream create, cleared once the upstream answered for certain. */
  submitIntentOpen: 'io',
  /** The latest result URL the upstream gave (signed; never logged). */
  videoUrl: 'vu',
  upstreamStatus: 'us',
  progress: 'pg',
  pollN: 'pn',
  output: 'out',
  error: 'err',
  /** `<job id>@<attempts made>`: the job run that failed the generation (see failedBy below). */
  failedBy: 'fb',
  /**
   * The events its webhook target wants, one letter each (see WANTS_CODE): what a stage needs to
   * know to queue an event, kept in the hash so that stages other than submit and notify never
   * read the input.
   */
  wants: 'w',
  /** The tenant (absent in records made before tenants: `default`). */
  tenant: 'tn',
  /** Estimated cost, µUSD, reserved against the tenant's budget until the generation ends. */
  costEstimate: 'ce',
  /** The batch it is a member of (absent for a generation enqueued alone). */
  batch: 'b',
  /** The cost the upstream reported for the task (usage.cost), µUSD. */
  costReported: 'uc',
  /** What the ending settled against the budget, µUSD. */
  costActual: 'ca',
  attempt: (stage: StageName) => `a.${stage}`,
  delivery: (event: EventType) => `d.${eventSuffix(event)}`,
} as const;

export type StoredOptions = {
  idempotencyKey?: string;
  webhook?: GenerationStatus['webhook'];
  metadata?: GenerationStatus['metadata'];
  priority?: number;
};

/** The job run that failed a generation: its id, and how many attempts BullMQ had counted then. */
export type FailedBy = { jobId: string; attemptsMade: number };

/** The record as the stages see it: the status plus the internal fields they fence and resume on. */
export type GenerationRecord = GenerationStatus & {
  pollN: number;
  intentOpen: boolean;
  videoUrl?: string;
  failedBy?: FailedBy;
  /** The events to send to the generation's webhook target (none without a target). */
  wants: EventType[];
};

/** What comes from the input key; the rest of a record is in its hash. */
type InputFields = 'request' | 'webhook' | 'metadata' | 'idempotencyKey' | 'priority';
/** A record read without its input (one HGETALL): what the poll and sink stages need. */
export type RecordCore = Omit<GenerationRecord, InputFields>;

const WANTS_CODE: Record<EventType, string> = {
  'generation.running': 'r',
  'generation.succeeded': 's',
  'generation.failed': 'f',
  'generation.canceled': 'c',
};
export const encodeWants = (events: readonly EventType[]): string =>
  events.map((e) => WANTS_CODE[e]).join('');
const decodeWants = (raw: string | undefined): EventType[] =>
  raw ? EVENT_TYPES.filter((e) => raw.includes(WANTS_CODE[e])) : [];

export const encodeFailedBy = (by: FailedBy): string => `${by.jobId}@${by.attemptsMade}`;

function decodeFailedBy(raw: string | undefined): FailedBy | undefined {
  const at = raw?.lastIndexOf('@') ?? -1;
  if (!raw || at < 0) return undefined;
  return { jobId: raw.slice(0, at), attemptsMade: Number(raw.slice(at + 1)) };
}

/** The stored input of a generation (the `input` key): what it was made from, never changed. */
export type StoredInput = { request: GenerationStatus['request']; options: StoredOptions };

export function parseTimeline(raw: string | undefined, createdAt: number): TimelineEntry[] {
  if (!raw) return [];
  return raw
    .split('|')
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf('@');
      return { state: entry.slice(0, at) as GenerationState, at: createdAt + Number(entry.slice(at + 1)) };
    });
}

const json = <T>(raw: string | undefined): T | undefined => (raw ? (JSON.parse(raw) as T) : undefined);
const numOr = (raw: string | undefined, d: number) => (raw === undefined ? d : Number(raw));

/** A record with its input (the input key's JSON; null when that key is gone). */
export function decodeRecord(
  id: string,
  h: Record<string, string>,
  rawInput: string | null,
  attempts: DeliveryAttemptEntry[],
): GenerationRecord | undefined {
  const core = decodeCore(id, h, attempts);
  if (!core) return undefined;
  const input = json<StoredInput>(rawInput ?? undefined);
  const options = input?.options ?? {};
  // Only a record whose input key was lost (an operator's DEL) lacks it.
  const record: GenerationRecord = {
    ...core,
    request: input?.request ?? ({} as GenerationStatus['request']),
  };
  if (options.idempotencyKey) record.idempotencyKey = options.idempotencyKey;
  if (options.webhook) record.webhook = options.webhook;
  if (options.metadata) record.metadata = options.metadata;
  if (options.priority) record.priority = options.priority;
  return record;
}

/** A record from its hash alone. */
export function decodeCore(
  id: string,
  h: Record<string, string>,
  attempts: DeliveryAttemptEntry[],
): RecordCore | undefined {
  if (!h[F.state]) return undefined;
  const createdAt = Number(h[F.created]);
  const deliveries: Delivery[] = [];
  for (const event of EVENT_TYPES) {
    const state = h[F.delivery(event)] as DeliveryState | undefined;
    if (!state) continue;
    deliveries.push({
      event,
      webhookId: webhookIdFor(id, event),
      state,
      attempts: attempts.filter((a) => a.event === event).map(({ event: _e, ...a }) => a),
    });
  }
  const status: RecordCore = {
    id,
    state: h[F.state] as GenerationState,
    createdAt,
    updatedAt: Number(h[F.updated]),
    timeline: parseTimeline(h[F.timeline], createdAt),
    upstream: { submitIntents: numOr(h[F.submitIntents], 0) },
    attempts: {
      submit: numOr(h[F.attempt('submit')], 0),
      poll: numOr(h[F.attempt('poll')], 0),
      sink: numOr(h[F.attempt('sink')], 0),
      notify: numOr(h[F.attempt('notify')], 0),
    },
    tenant: h[F.tenant] ?? DEFAULT_TENANT,
    cost: { estimatedUsd: fromMicroUsd(numOr(h[F.costEstimate], 0)) },
    deliveries,
    pollN: numOr(h[F.pollN], 0),
    intentOpen: h[F.submitIntentOpen] !== undefined,
    wants: decodeWants(h[F.wants]),
  };
  if (h[F.videoUrl]) status.videoUrl = h[F.videoUrl];
  if (h[F.batch]) status.batchId = h[F.batch];
  const failedBy = decodeFailedBy(h[F.failedBy]);
  if (failedBy) status.failedBy = failedBy;
  if (h[F.deadline]) status.deadlineAt = Number(h[F.deadline]);
  if (h[F.taskId]) status.upstream.taskId = h[F.taskId];
  if (h[F.submittedAt]) status.upstream.submittedAt = Number(h[F.submittedAt]);
  if (h[F.upstreamStatus]) status.upstream.status = h[F.upstreamStatus];
  if (h[F.progress]) status.upstream.progress = Number(h[F.progress]);
  if (h[F.costActual] !== undefined) status.cost.actualUsd = fromMicroUsd(Number(h[F.costActual]));
  const output = json<GenerationOutput>(h[F.output]);
  if (output) status.output = output;
  const error = json<GenerationError>(h[F.error]);
  if (error) status.error = error;
  return status;
}

export type DeliveryAttemptEntry = DeliveryAttempt & { event: EventType };

/** Strips the fencing counter: what callers outside the worker get. */
export function toStatus(record: GenerationRecord): GenerationStatus {
  const { pollN: _p, intentOpen: _i, videoUrl: _v, failedBy: _f, wants: _w, ...status } = record;
  return status;
}
