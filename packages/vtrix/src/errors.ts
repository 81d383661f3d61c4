// Upstream error codes. Their kind, alert flag and default message live in the one catalogue
// (@reelay/contracts ERRORS); this module names the codes a VtrixError may carry. The kind
// tells a stage what to do next: `final` fails the generation, `transient` retries with
// backoff, `rate_limited` waits (globally) without spending a job attempt.

import { brandError, type ERRORS, type ErrorKind, errorSpec, type ReelayErrorCode } from '@reelay/contracts';

export type VtrixErrorKind = ErrorKind;

const VTRIX_CODES = [
  'REELAY_UPSTREAM_BAD_REQUEST',
  'REELAY_UPSTREAM_UNAUTHORIZED',
  'REELAY_UPSTREAM_PAYMENT_REQUIRED',
  'REELAY_UPSTREAM_FORBIDDEN',
  'REELAY_UPSTREAM_TASK_NOT_FOUND',
  'REELAY_UPSTREAM_REJECTED',
  'REELAY_UPSTREAM_RATE_LIMITED',
  'REELAY_UPSTREAM_RETRY_LATER',
  'REELAY_UPSTREAM_SERVER_ERROR',
  'REELAY_UPSTREAM_NETWORK',
  'REELAY_UPSTREAM_TIMEOUT',
  'REELAY_UPSTREAM_ABORTED',
  'REELAY_UPSTREAM_BAD_REPLY',
  'REELAY_UPSTREAM_REPLY_TOO_LARGE',
  'REELAY_UPSTREAM_CREATE_FAILED',
  'REELAY_UPSTREAM_NO_VIDEO',
] as const satisfies readonly ReelayErrorCode[];

export type VtrixErrorCode = (typeof VTRIX_CODES)[number];

type CatalogueEntry<C extends VtrixErrorCode> = {
  readonly kind: (typeof ERRORS)[C]['kind'];
  readonly alert: boolean;
  readonly message: string;
};

/** The catalogue's entries for the codes a VtrixError may carry, as this package has always shown them. */
export const VTRIX_ERRORS = Object.freeze(
  Object.fromEntries(
    VTRIX_CODES.map((code) => {
      const spec = errorSpec(code);
      return [code, Object.freeze({ kind: spec.kind, alert: spec.alert ?? false, message: spec.meaning })];
    }),
  ),
) as { readonly [C in VtrixErrorCode]: CatalogueEntry<C> };

/** Code used in `VtrixTask.error` when a failed task carries no error detail of its own. */
export const TASK_FAILED_CODE = 'REELAY_UPSTREAM_TASK_FAILED' satisfies ReelayErrorCode;
/** Code used in `VtrixTask.error` for a canceled task. */
export const TASK_CANCELED_CODE = 'CANCELED';

export interface VtrixErrorDetails {
  message?: string;
  httpStatus?: number;
  upstreamCode?: string;
  upstreamMessage?: string;
  upstreamRequestId?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export class VtrixError extends Error {
  override readonly name = 'VtrixError';
  readonly code: VtrixErrorCode;
  readonly kind: VtrixErrorKind;
  /** True when an operator must act (bad key, no balance, no permission). */
  readonly alert: boolean;
  readonly httpStatus?: number;
  readonly upstreamCode?: string;
  readonly upstreamMessage?: string;
  readonly upstreamRequestId?: string;
  readonly retryAfterMs?: number;

  constructor(code: VtrixErrorCode, details: VtrixErrorDetails = {}) {
    const entry = VTRIX_ERRORS[code];
    super(
      details.message ?? entry.message,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.code = code;
    this.kind = entry.kind;
    this.alert = entry.alert;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.upstreamCode !== undefined) this.upstreamCode = details.upstreamCode;
    if (details.upstreamMessage !== undefined) this.upstreamMessage = details.upstreamMessage;
    if (details.upstreamRequestId !== undefined) this.upstreamRequestId = details.upstreamRequestId;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }

  /** A log- and store-friendly shape; `message` and `cause` are not enumerable otherwise. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause as { name?: unknown; code?: unknown; message?: unknown } | undefined;
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      alert: this.alert,
      message: this.message,
      httpStatus: this.httpStatus,
      upstreamCode: this.upstreamCode,
      upstreamMessage: this.upstreamMessage,
      upstreamRequestId: this.upstreamRequestId,
      retryAfterMs: this.retryAfterMs,
      cause:
        cause && typeof cause === 'object'
          ? { name: cause.name, code: cause.code, message: cause.message }
          : undefined,
    };
  }
}

// A brand, not `instanceof` alone: it recognizes a VtrixError from another copy of this
// package in one process too; `instanceof VtrixError` answers with the same check.
export const isVtrixError = brandError('vtrix.error', VtrixError, { instanceOf: true });

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
