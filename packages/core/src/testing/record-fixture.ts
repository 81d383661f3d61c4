/**
 * Test-only (`@reelay/core/testing`): puts records into states that no sequence of lifecycle
 * verbs reaches by itself, the windows a crash leaves (a move made, its next job never added),
 * so tests can prove the stages recover from them. Production code never imports this.
 */
import type { EventType, GenerationError, GenerationState } from '@reelay/contracts';
import type { Redis } from 'ioredis';
import { createRecordWriter, type MoveResult } from '../lifecycle/record-writer.ts';
import { encodeFailedBy, F, type FailedBy } from '../record-codec.ts';
import type { NewGeneration } from '../status-store.ts';

export type RecordPatch = {
  state?: GenerationState;
  taskId?: string;
  submittedAt?: number;
  pollN?: number;
  videoUrl?: string;
  error?: GenerationError;
  failedBy?: FailedBy;
  /** Events whose delivery track is open (`pending`). */
  pending?: EventType[];
};

export function createRecordFixture(redis: Redis, prefix: string) {
  const writer = createRecordWriter(redis, {
    prefix,
    recordRetentionS: 3_600,
    idempotencyTtlS: 86_400,
    generationDeadlineMs: 0,
    now: Date.now,
  });
  return {
    /** Records without their submit jobs: generations whose enqueue stopped half-way. */
    create: (items: readonly NewGeneration[]) => writer.create(items),
    /** Sets the patch whatever the record's state; with `ifPollN`, only while the poll counter is n. */
    force(id: string, patch: RecordPatch, opts: { ifPollN?: number } = {}): Promise<MoveResult> {
      const set: Record<string, string | number> = {};
      if (patch.taskId !== undefined) set[F.taskId] = patch.taskId;
      if (patch.submittedAt !== undefined) set[F.submittedAt] = patch.submittedAt;
      if (patch.pollN !== undefined) set[F.pollN] = patch.pollN;
      if (patch.videoUrl !== undefined) set[F.videoUrl] = patch.videoUrl;
      if (patch.error) set[F.error] = JSON.stringify(patch.error);
      if (patch.failedBy) set[F.failedBy] = encodeFailedBy(patch.failedBy);
      for (const e of patch.pending ?? []) set[F.delivery(e)] = 'pending';
      return writer.move(id, {
        ...(patch.state ? { to: patch.state } : {}),
        ...(opts.ifPollN !== undefined ? { guard: { field: F.pollN, equals: String(opts.ifPollN) } } : {}),
        set,
      });
    },
    deliveryAttempted: writer.pushAttempt,
  };
}
