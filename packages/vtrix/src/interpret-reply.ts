// Decides what a complete (possibly truncated) HTTP reply means: a JSON value to normalize,
// or a classified VtrixError. Pure; the client does the reading around it.

import { classifyHttpFailure, type VtrixOperation } from './classify-http.ts';
import { VtrixError } from './errors.ts';

export interface ReplyFacts {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as read, at most the size cap. */
  text: string;
  /** True when the body was cut off at the cap. */
  truncated: boolean;
  now: number;
  operation: VtrixOperation;
}

export type Interpreted = { ok: true; json: unknown } | { ok: false; error: VtrixError };

export function interpretReply(reply: ReplyFacts): Interpreted {
  const { status, operation } = reply;
  if (status < 200 || status > 299) {
    // The status decides, even when the body was cut off: a huge 401 page is still a 401.
    return { ok: false, error: classifyHttpFailure({ ...reply, body: reply.text }) };
  }
  if (reply.truncated) {
    return {
      ok: false,
      error: new VtrixError('REELAY_UPSTREAM_REPLY_TOO_LARGE', {
        message: `Vtrix ${operation} reply exceeded the size limit (HTTP ${status})`,
        httpStatus: status,
      }),
    };
  }
  try {
    return { ok: true, json: JSON.parse(reply.text) };
  } catch {
    return {
      ok: false,
      error: new VtrixError('REELAY_UPSTREAM_BAD_REPLY', {
        message: `Vtrix ${operation} reply is not JSON (HTTP ${status})`,
        httpStatus: status,
      }),
    };
  }
}
