// Maps a non-2xx Vtrix reply to a VtrixError (docs/upstream/VTRIX.md, "HTTP errors"). Pure: the caller
// passes the status, the (size-capped) body, the headers and the clock.

import { parseRetryAfter as parseRetryAfterHeader } from '@reelay/contracts';
import { VTRIX_ERRORS, VtrixError, type VtrixErrorCode } from './errors.ts';
import { extractUpstreamError } from './upstream-error-body.ts';

export type VtrixOperation = 'create' | 'poll';

export interface HttpFailure {
  status: number;
  /** The reply body as text (or already-parsed JSON); `undefined` when there was none. */
  body: unknown;
  headers?: Record<string, string | string[] | undefined>;
  now: number;
  operation: VtrixOperation;
}

/**
 * Vtrix's reading of Retry-After: milliseconds to wait, 0 for a negative delay or a past date,
 * undefined when absent or unreadable. It is the one parser of @reelay/contracts in its lenient
 * mode (RFC 9110 plus fractional and negative delays and looser dates), which is what this
 * package has always accepted.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  now: number,
): number | undefined {
  return parseRetryAfterHeader(value, now, { lenient: true });
}

export function codeForStatus(status: number, operation: VtrixOperation): VtrixErrorCode {
  if (status === 400) return 'REELAY_UPSTREAM_BAD_REQUEST';
  if (status === 401) return 'REELAY_UPSTREAM_UNAUTHORIZED';
  if (status === 402) return 'REELAY_UPSTREAM_PAYMENT_REQUIRED';
  if (status === 403) return 'REELAY_UPSTREAM_FORBIDDEN';
  // On create a 404 means a wrong base URL or route, not a missing task.
  if (status === 404)
    return operation === 'poll' ? 'REELAY_UPSTREAM_TASK_NOT_FOUND' : 'REELAY_UPSTREAM_REJECTED';
  if (status === 408 || status === 409 || status === 425) return 'REELAY_UPSTREAM_RETRY_LATER';
  if (status === 429) return 'REELAY_UPSTREAM_RATE_LIMITED';
  if (status >= 500 && status <= 599) return 'REELAY_UPSTREAM_SERVER_ERROR';
  // Other 4xx, and 3xx (redirects are not followed: a redirecting base URL is misconfigured).
  if (status >= 300 && status <= 499) return 'REELAY_UPSTREAM_REJECTED';
  return 'REELAY_UPSTREAM_BAD_REPLY';
}

function header(headers: HttpFailure['headers'], name: string): string | string[] | undefined {
  if (!headers) return undefined;
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

export function classifyHttpFailure(failure: HttpFailure): VtrixError {
  const { status, operation } = failure;
  const code = codeForStatus(status, operation);
  const upstream = extractUpstreamError(failure.body);
  // 429 must carry the wait; a 5xx may carry one too (503 + Retry-After) as a hint for backoff.
  const retryAfterMs =
    code === 'REELAY_UPSTREAM_RATE_LIMITED' || code === 'REELAY_UPSTREAM_SERVER_ERROR'
      ? parseRetryAfter(header(failure.headers, 'retry-after'), failure.now)
      : undefined;

  const detail = [upstream.code, upstream.message].filter((part) => part !== undefined).join(': ');
  const wait = retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`;
  const message = `${VTRIX_ERRORS[code].message} (${operation}, HTTP ${status}${detail ? ` ${detail}` : ''}${wait})`;

  return new VtrixError(code, {
    message,
    httpStatus: status,
    upstreamCode: upstream.code,
    upstreamMessage: upstream.message,
    upstreamRequestId: upstream.requestId,
    retryAfterMs,
  });
}
