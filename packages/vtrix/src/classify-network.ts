// Maps an error thrown while talking to Vtrix (connect, send, wait, read) to a VtrixError.
// Pure. Every such failure is transient: the request may simply be tried again later.
// The original error is not attached as is: only its name, code and message are copied
// into a fresh cause, so that nothing else it references (sockets, request options) leaks.

import { isVtrixError, VTRIX_ERRORS, VtrixError, type VtrixErrorCode } from './errors.ts';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
]);

const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);

type ErrorLike = { name?: unknown; code?: unknown; message?: unknown; stack?: unknown };

function asErrorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

/** The error, its `cause` chain and AggregateError members (happy-eyeballs connects), nearest first. */
function related(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 10) {
    const item = asErrorLike(queue.shift());
    if (!item || out.includes(item)) continue;
    out.push(item);
    queue.push((item as { cause?: unknown }).cause);
    const members = (item as { errors?: unknown }).errors;
    if (Array.isArray(members)) queue.push(...members);
  }
  return out;
}

export function networkCodeFor(err: unknown): VtrixErrorCode {
  const chain = related(err);
  const codes = chain.map((e) => e.code).filter((c): c is string => typeof c === 'string');
  const names = chain.map((e) => e.name).filter((n): n is string => typeof n === 'string');
  if (codes.some((c) => TIMEOUT_CODES.has(c)) || names.includes('TimeoutError'))
    return 'REELAY_UPSTREAM_TIMEOUT';
  if (codes.some((c) => ABORT_CODES.has(c)) || names.includes('AbortError')) return 'REELAY_UPSTREAM_ABORTED';
  return 'REELAY_UPSTREAM_NETWORK';
}

/** An Error holding only the given name, code, message and stack: safe to attach and to log. */
export function plainCause(parts: {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  stack?: unknown;
}): Error {
  const cause = new Error(typeof parts.message === 'string' ? parts.message : '') as Error & {
    code?: string;
  };
  if (typeof parts.name === 'string') {
    Object.defineProperty(cause, 'name', { value: parts.name, writable: true, configurable: true });
  }
  if (typeof parts.code === 'string') cause.code = parts.code;
  if (typeof parts.stack === 'string') cause.stack = parts.stack;
  return cause;
}

function sanitizedCause(err: unknown): Error {
  const like = asErrorLike(err);
  return like ? plainCause(like) : plainCause({ message: String(err) });
}

export function classifyNetworkError(err: unknown): VtrixError {
  if (isVtrixError(err)) return err;
  const code = networkCodeFor(err);
  const first = related(err)[0];
  const errCode = typeof first?.code === 'string' ? first.code : '';
  const errMessage = typeof first?.message === 'string' ? first.message : '';
  const what = errMessage.includes(errCode) ? errMessage : `${errCode} ${errMessage}`.trim();
  return new VtrixError(code, {
    message: what ? `${VTRIX_ERRORS[code].message}: ${what}` : VTRIX_ERRORS[code].message,
    cause: sanitizedCause(err),
  });
}
