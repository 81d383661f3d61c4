// Keeps the API key out of errors. Upstreams sometimes echo the credential they refused
// ("invalid key sk-…"); that text must not reach a status record or a log line.

import { plainCause } from './classify-network.ts';
import { VtrixError } from './errors.ts';

export const REDACTED = '[REDACTED]';

export function redactSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join(REDACTED) : text;
}

function contains(value: unknown, secret: string): boolean {
  return typeof value === 'string' && value.includes(secret);
}

/** The same error, or a copy with every occurrence of `secret` replaced when it had any. */
export function withoutSecret(err: VtrixError, secret: string | undefined): VtrixError {
  if (!secret) return err;
  const cause = err.cause as
    | { name?: unknown; code?: unknown; message?: unknown; stack?: unknown }
    | undefined;
  const tainted = [err.message, err.stack, err.upstreamCode, err.upstreamMessage, err.upstreamRequestId].some(
    (v) => contains(v, secret),
  );
  const causeTainted =
    typeof cause === 'object' &&
    cause !== null &&
    [cause.message, cause.stack].some((v) => contains(v, secret));
  if (!tainted && !causeTainted) return err;

  const r = (v: string | undefined) => (v === undefined ? undefined : redactSecret(v, secret));
  let cleanCause: unknown = err.cause;
  if (causeTainted) {
    const copy = plainCause({
      name: cause.name,
      code: cause.code,
      message: redactSecret(String(cause.message ?? ''), secret),
      stack: typeof cause.stack === 'string' ? redactSecret(cause.stack, secret) : undefined,
    });
    cleanCause = copy;
  }
  const clean = new VtrixError(err.code, {
    message: redactSecret(err.message, secret),
    httpStatus: err.httpStatus,
    upstreamCode: r(err.upstreamCode),
    upstreamMessage: r(err.upstreamMessage),
    upstreamRequestId: r(err.upstreamRequestId),
    retryAfterMs: err.retryAfterMs,
    cause: cleanCause,
  });
  if (err.stack !== undefined) clean.stack = redactSecret(err.stack, secret);
  return clean;
}
