// What other packages and apps need of core, and nothing more: the record's field names, the
// Lua scripts and the lifecycle's internals stay inside (crash-window fixtures for tests are in
// `@reelay/core/testing`).
export { type RetryFailedResult, retryFailedMembers } from './batch-retry.ts';
export {
  B,
  type BatchRecord,
  type BatchStore,
  createBatchStore,
  toBatch,
} from './batch-store.ts';
export {
  type ConfigCheck,
  ConfigError,
  DEFAULT_MAX_VIDEO_BYTES,
  type Env,
  loadConfig,
  type ReelayConfig,
  type WebhookUrlRule,
  webhookDefaultUrlCheck,
  workerRequirements,
} from './config.ts';
export {
  BatchMemberTakenError,
  type CancelResult,
  type CreateResult,
  createLifecycle,
  deliveryDue,
  type Lifecycle,
  type LifecycleOptions,
  lifecycleTable,
  MOVES,
  type NewBatch,
  type Outcome,
  wantsBatchCompleted,
} from './lifecycle/index.ts';
export { createLogger, type Logger } from './logger.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { type PollSchedule, pollDelay } from './poll-schedule.ts';
export { closeOnSignals, loadOrExit } from './process-lifecycle.ts';
export { closeQueues, createQueues, type StageQueues } from './queues.ts';
export {
  type GenerationRecord,
  type RecordCore,
  type StoredOptions,
  toStatus,
} from './record-codec.ts';
export { scrubString } from './redact.ts';
export { createRedis, DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './redis.ts';
export { judgeRedis, readRedisFacts } from './redis-hygiene.ts';
export {
  createStatusStore,
  IdempotencyConflictError,
  isIdempotencyConflict,
  type NewGeneration,
  type StateChange,
  type StatusStore,
} from './status-store.ts';
export { createTenantStore, decodeTenant, type TenantStore, toTenantFields } from './tenant-store.ts';
export {
  defaultJobOptions,
  QUEUE_NAMES,
  recordKeys,
  type StageRetry,
  WEBHOOK_BACKOFF,
} from './topology.ts';
export { createUpstreamPause, type UpstreamPause, type UpstreamPauseStore } from './upstream-pause.ts';
