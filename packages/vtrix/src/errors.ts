// The one catalogue of upstream error codes. Every failure the client reports carries one
// of these codes and the kind that tells a stage what to do next: `final` fails the
// generation, `transient` retries with backoff, `rate_limited` waits (globally) without
// spending a job attempt.

export type VtrixErrorKind = 'final' | 'transient' | 'rate_limited';

type CatalogueEntry = { readonly kind: VtrixErrorKind; readonly alert: boolean; readonly message: string };

export const VTRIX_ERRORS = {
  REELAY_UPSTREAM_BAD_REQUEST: { kind: 'final', alert: false, message: 'Vtrix rejected the request' },
  REELAY_UPSTREAM_UNAUTHORIZED: { kind: 'final', alert: true, message: 'Vtrix refused the API key' },
  REELAY_UPSTREAM_PAYMENT_REQUIRED: {
    kind: 'final',
    alert: true,
    message: 'Vtrix account has insufficient balance',
  },
  REELAY_UPSTREAM_FORBIDDEN: { kind: 'final', alert: true, message: 'Vtrix denied permission' },
  REELAY_UPSTREAM_TASK_NOT_FOUND: {
    kind: 'final',
    alert: false,
    message: 'Vtrix task is unknown or expired',
  },
  REELAY_UPSTREAM_REJECTED: { kind: 'final', alert: false, message: 'Vtrix refused the request' },
  REELAY_UPSTREAM_RATE_LIMITED: { kind: 'rate_limited', alert: false, message: 'Vtrix rate limit reached' },
  REELAY_UPSTREAM_RETRY_LATER: { kind: 'transient', alert: false, message: 'Vtrix asked to try again later' },
  REELAY_UPSTREAM_SERVER_ERROR: { kind: 'transient', alert: false, message: 'Vtrix server error' },
  REELAY_UPSTREAM_NETWORK: { kind: 'transient', alert: false, message: 'network error talking to Vtrix' },
  REELAY_UPSTREAM_TIMEOUT: { kind: 'transient', alert: false, message: 'Vtrix did not answer in time' },
  REELAY_UPSTREAM_ABORTED: { kind: 'transient', alert: false, message: 'request to Vtrix was aborted' },
  REELAY_UPSTREAM_BAD_REPLY: {
    kind: 'transient',
    alert: false,
    message: 'Vtrix sent a reply that cannot be read',
  },
  REELAY_UPSTREAM_REPLY_TOO_LARGE: {
    kind: 'transient',
    alert: false,
    message: 'Vtrix reply exceeded the size limit',
  },
  REELAY_UPSTREAM_CREATE_FAILED: { kind: 'final', alert: false, message: 'Vtrix did not create a task' },
  REELAY_UPSTREAM_NO_VIDEO: { kind: 'final', alert: false, message: 'Vtrix task completed without a video' },
} as const satisfies Record<string, CatalogueEntry>;

export type VtrixErrorCode = keyof typeof VTRIX_ERRORS;

/** Code used in `VtrixTask.error` when a failed task carries no error detail of its own. */
export const TASK_FAILED_CODE = 'REELAY_UPSTREAM_TASK_FAILED';
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

// Same trick as undici's errors: a global-registry symbol survives two copies of this
// package in one process, where a plain `instanceof` would not.
const kVtrixError = Symbol.for('reelay.vtrix.error');

export class VtrixError extends Error {
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return isVtrixError(instance);
  }

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

  get [kVtrixError](): true {
    return true;
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

export function isVtrixError(value: unknown): value is VtrixError {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kVtrixError] === true
  );
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
