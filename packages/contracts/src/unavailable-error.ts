import { brandError } from './branded-error.ts';

/**
 * Redis did not answer an SDK call in time: the connection is down, or a command took longer
 * than the producer's `commandTimeoutMs` (REDIS_COMMAND_TIMEOUT_MS). Transient: try again
 * later. The outcome of a write is unknown (the command may have reached Redis before the
 * deadline passed): retry an `enqueue` with the same idempotency key, a `cancel` as it is.
 * The HTTP API answers 503 with Retry-After.
 */
export class ReelayUnavailableError extends Error {
  readonly code = 'REELAY_REDIS_UNAVAILABLE' as const;
  /** The SDK call that failed, e.g. `enqueue`. */
  readonly operation: string;

  constructor(operation: string, detail: string, options?: { cause?: unknown }) {
    super(`${operation}: Redis is unavailable (${detail})`, options);
    this.name = 'ReelayUnavailableError';
    this.operation = operation;
  }
}

export const isReelayUnavailable = brandError('redis.unavailable', ReelayUnavailableError);
