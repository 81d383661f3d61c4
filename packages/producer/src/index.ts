export { isReelayValidationError, ReelayValidationError } from '@reelay/contracts';
export { IdempotencyConflictError, isIdempotencyConflict } from '@reelay/core';
export * from './canonical-json.ts';
export * from './producer.ts';
