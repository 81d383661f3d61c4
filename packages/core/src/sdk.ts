// The slice of core an SDK is built from: the lifecycle, the record store, the queues and the
// Redis connection. Nothing here reaches the logger or the metrics, so `@reelay/producer` (which
// inlines this entry when it is built for publishing) does not make services install pino or
// prom-client.

export { type RetryFailedResult, retryFailedMembers } from './batch-retry.ts';
export { type BatchRecord, type BatchStore, createBatchStore, toBatch } from './batch-store.ts';
export {
  BatchMemberTakenError,
  type CancelResult,
  createLifecycle,
  type NewBatch,
  wantsBatchCompleted,
} from './lifecycle/index.ts';
export { closeQueues, createQueues, type StageQueues } from './queues.ts';
export { type GenerationRecord, type StoredOptions, toStatus } from './record-codec.ts';
export { createRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './redis.ts';
export {
  createStatusStore,
  IdempotencyConflictError,
  isIdempotencyConflict,
  type NewGeneration,
  type StatusStore,
} from './status-store.ts';
export { createTenantStore, type TenantRepair, type TenantStore, toTenantFields } from './tenant-store.ts';
export type { StageRetry } from './topology.ts';
export { createUpstreamPause, type UpstreamPause, type UpstreamPauseStore } from './upstream-pause.ts';
