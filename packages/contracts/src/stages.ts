import { z } from 'zod';
import { EventType, eventSuffix } from './events.ts';

export const STAGES = ['submit', 'poll', 'sink', 'notify'] as const;
export type StageName = (typeof STAGES)[number];

const GenerationRef = { generationId: z.string().startsWith('gen_') };

/** Job data stays thin: the status record holds the request, so a job is an id and a step. */
export const SubmitJob = z.object(GenerationRef);
export type SubmitJob = z.infer<typeof SubmitJob>;

export const PollJob = z.object({ ...GenerationRef, n: z.number().int().min(1) });
export type PollJob = z.infer<typeof PollJob>;

export const SinkJob = z.object(GenerationRef);
export type SinkJob = z.infer<typeof SinkJob>;

export const NotifyJob = z.object({ ...GenerationRef, event: EventType });
export type NotifyJob = z.infer<typeof NotifyJob>;

export type StageJobData = { submit: SubmitJob; poll: PollJob; sink: SinkJob; notify: NotifyJob };

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
