export * from './config.ts';
export * from './lifecycle/index.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './poll-schedule.ts';
export * from './process-lifecycle.ts';
export * from './queues.ts';
// The record's field names and encoding stay inside core: only the decoded shapes go out.
export {
  type FailedBy,
  type GenerationRecord,
  type RecordCore,
  type StoredOptions,
  toStatus,
} from './record-codec.ts';
export * from './redact.ts';
export * from './redis.ts';
export * from './redis-hygiene.ts';
export * from './status-store.ts';
export * from './topology.ts';
