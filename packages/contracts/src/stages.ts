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

export const NotifyJob = z.strictObject({ ...GenerationRef, event: EventType });
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
  const parsed = STAGE_JOBS[stage].safeParse(data);
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
};

/** The generation a job id belongs to (every stage's id starts with it). */
export function generationIdOfJob(jobId: string): string {
  const dot = jobId.indexOf('.');
  return dot === -1 ? jobId : jobId.slice(0, dot);
}
