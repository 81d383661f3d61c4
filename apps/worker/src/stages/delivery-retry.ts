import { brandError } from '@reelay/contracts';

/** Thrown to ask BullMQ for a retry after `delayMs` (read by the worker's backoff strategy). */
export class DeliveryRetryError extends Error {
  readonly delayMs: number;
  constructor(message: string, delayMs: number) {
    super(message);
    this.name = 'DeliveryRetryError';
    this.delayMs = delayMs;
  }
}
export const isDeliveryRetry = brandError('notify.retry', DeliveryRetryError);
