export { isReelayValidationError, ReelayValidationError } from '@reelay/contracts';
export { IdempotencyConflictError, isIdempotencyConflict } from '@reelay/core/sdk';
export * from './producer.ts';
