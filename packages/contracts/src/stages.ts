import { z } from 'zod';
import { EventType, eventSuffix } from './events.ts';
import { ReelayValidationError, toFieldIssues } from './validation-error.ts';

export const STAGES = ['submit', 'poll', 'sink', 'notify'] as const;
export type StageName = (typeof STAGES)[number];

const GenerationRef = { generationId: z.string().startsWith('gen_') };

/** Job data stays thin: the status record holds the request, so a job is an id and a step. */
export const SubmitJob = z.strictObject(GenerationRef);
export type SubmitJob = z.infer<typeof SubmitJob>;

export const PollJob = z.strictObject({ ...GenerationRef, n: z.number().int().min(1) });
export type PollJob = z.infer<typeof PollJob>;

export const SinkJob = z.strictObject(GenerationRef);
export type SinkJob = z.infer<typeof SinkJob>;

export const GenerationNotifyJob = z.strictObject({ ...GenerationRef, event: EventType });
export type GenerationNotifyJob = z.infer<typeof GenerationNotifyJob>;

/**
 * A finished batch: its results file is written, then batch.completed is delivered (when its
 * target wants it). `round` counts the batch's endings (an operator's retry of failed members
 * makes it end again), so each ending is its own job and event.
 */
export const BatchNotifyJob = z.strictObject({
  batchId: z.string().startsWith('bat_'),
  event: z.literal('batch.completed'),
  round: z.number().int().min(1),
});
export type BatchNotifyJob = z.infer<typeof BatchNotifyJob>;

export const NotifyJob = z.union([GenerationNotifyJob, BatchNotifyJob]);
export type NotifyJob = z.infer<typeof NotifyJob>;

/**
 * The job catalogue: each stage's job schema (its attempts and backoff are in core's topology).
 * A worker parses every job against it before the stage sees it.
 */
export const STAGE_JOBS = { submit: SubmitJob, poll: PollJob, sink: SinkJob, notify: NotifyJob } as const;
export type StageJob<S extends StageName> = z.infer<(typeof STAGE_JOBS)[S]>;

/**
 * A job's data checked against its stage's schema: the data, or a ReelayValidationError naming
 * every field and rule, so a malformed job fails clearly instead of deep inside a stage.
 */
export function parseStageJob<S extends StageName>(stage: S, data: unknown): StageJob<S> {
  // A notify job is a generation's or a batch's: checked against the one it claims to be, so the
  // issues name its fields rather than "no union member matched".
  const schema =
    stage === 'notify'
      ? data !== null && typeof data === 'object' && 'batchId' in data
        ? BatchNotifyJob
        : GenerationNotifyJob
      : STAGE_JOBS[stage];
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ReelayValidationError(toFieldIssues(parsed.error.issues), `${stage} job`);
  return parsed.data as StageJob<S>;
}

/**
 * Deterministic BullMQ job ids: a re-enqueue after a crash is a no-op. The separator is `.`
 * because BullMQ rejects custom ids containing `:` (unless split in exactly three parts).
 */
export const jobIds = {
  submit: (id: string) => `${id}.submit`,
  poll: (id: string, n: number) => `${id}.poll.${n}`,
  sink: (id: string) => `${id}.sink`,
  notify: (id: string, event: EventType) => `${id}.notify.${eventSuffix(event)}`,
  batchCompleted: (batchId: string, round: number) => `${batchId}.completed.${round}`,
};

/** The generation a job id belongs to (every stage's id starts with it). */
export function generationIdOfJob(jobId: string): string {
  const dot = jobId.indexOf('.');
  return dot === -1 ? jobId : jobId.slice(0, dot);
}
