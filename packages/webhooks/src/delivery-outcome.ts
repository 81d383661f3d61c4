/**
 * What one delivery attempt came to, as recorded per attempt and fed to `decideDelivery`.
 * Never holds request headers (they carry signatures).
 */
import type { WebhookDeliveryCode } from './errors.ts';

export interface DeliveryOutcome {
  /** True only for a 2xx answer whose response ended (or was cut at the size cap) in time. */
  ok: boolean;
  /** The receiver's HTTP status, when one arrived. */
  status?: number;
  /** The raw Retry-After header of the answer, when given. */
  retryAfter?: string;
  /** Why the attempt failed; absent when `ok`. */
  error?: { code: WebhookDeliveryCode; message: string };
  /** Wall time of the attempt in milliseconds. */
  latencyMs: number;
  /** The start of the response body (UTF-8, capped, signatures redacted). */
  responseExcerpt?: string;
}
