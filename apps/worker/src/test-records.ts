import type { GenerationRecord } from '@reelay/core';

/** A record as the store would decode it, for the pure decision tests. */
export function recordOf(over: Partial<GenerationRecord> = {}): GenerationRecord {
  return {
    id: 'gen_01hzzzzzzzzzzzzzzzzzzzzzzz',
    state: 'queued',
    createdAt: 1_000,
    updatedAt: 1_000,
    timeline: [{ state: 'queued', at: 1_000 }],
    request: { input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] } },
    tenant: 'default',
    cost: { estimatedUsd: 0.5 },
    upstream: { submitIntents: 0 },
    attempts: { submit: 0, poll: 0, sink: 0, notify: 0 },
    deliveries: [],
    pollN: 0,
    intentOpen: false,
    wants: ['generation.succeeded', 'generation.failed', 'generation.canceled'],
    ...over,
  };
}
