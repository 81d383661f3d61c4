import type { Metadata } from './enqueue-options.ts';
import type { EventType } from './events.ts';
import type { GenerationError, GenerationOutput, GenerationState } from './status.ts';

/** The body of every webhook: thin, under 20 KB; receivers fetch more with the id if needed. */
export type WebhookEvent = {
  type: EventType;
  timestamp: string;
  data: {
    id: string;
    state: GenerationState;
    /** The tenant the generation belongs to. */
    tenant: string;
    metadata: Metadata;
    output?: GenerationOutput & { url?: string };
    error?: Omit<GenerationError, 'resumable'>;
    upstream: { taskId?: string };
    timings: {
      createdAt: string;
      finishedAt?: string;
      durationMs?: number;
      stages: Partial<Record<GenerationState, string>>;
    };
  };
};
