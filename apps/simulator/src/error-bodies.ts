/**
 * Every error the simulator says, in the shapes docs/upstream/VTRIX.md lists. Pure builders: the caller
 * passes the random draw, so tests can ask for each variant by index.
 */

/** How a failed task's `error` field is spelled (docs/upstream/VTRIX.md poll table). */
export const taskErrorVariants: readonly unknown[] = [
  { code: '002014001', message: 'video generation failed' },
  { code: 2014001, error_message: 'video generation failed' },
  { code: 'DataInspectionFailed', message: 'Input data may contain inappropriate content.' },
  { code: 'DataInspectionFailed', error_message: 'Output data may contain inappropriate content.' },
  'video generation failed',
  { code: 'InternalError.Algo', message: 'An internal error occurred during video generation.' },
];

export function taskError(draw: number): unknown {
  return taskErrorVariants[draw % taskErrorVariants.length];
}

export interface ApiReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function unauthorized(requestId: string): ApiReply {
  return {
    status: 401,
    body: { code: 'InvalidApiKey', message: 'Invalid API-key provided.', request_id: requestId },
  };
}

/** An account that cannot create: Vtrix's 403 (no balance or permission) or DashScope's 400 Arrearage. */
export function accountRefusal(state: 'no_balance' | 'arrearage', requestId: string): ApiReply {
  return state === 'arrearage'
    ? {
        status: 400,
        body: {
          code: 'Arrearage',
          message: 'Access denied, please make sure your account is in good standing.',
          request_id: requestId,
        },
      }
    : { status: 403, body: { message: 'insufficient balance or permission', request_id: requestId } };
}

export function invalidParameter(message: string, requestId: string): ApiReply {
  return { status: 400, body: { code: 'InvalidParameter', message, request_id: requestId } };
}

export function payloadTooLarge(limit: number, requestId: string): ApiReply {
  return {
    status: 413,
    body: {
      code: 'RequestEntityTooLarge',
      message: `request body exceeds ${limit} bytes`,
      request_id: requestId,
    },
    headers: { connection: 'close' },
  };
}

export function taskNotFound(): ApiReply {
  return { status: 404, body: { message: 'task not found' } };
}

export function routeNotFound(): ApiReply {
  return { status: 404, body: { message: 'not found' } };
}

export function methodNotAllowed(allow: string): ApiReply {
  return { status: 405, body: { message: 'method not allowed' }, headers: { allow } };
}

/** A 429 with Retry-After as delta-seconds or as an HTTP date rounded up to a whole second. */
export function rateLimited(
  retryAfterS: number,
  form: 'seconds' | 'http-date',
  now: number,
  requestId: string,
): ApiReply {
  const retryAfter =
    form === 'seconds'
      ? String(retryAfterS)
      : new Date(Math.ceil((now + retryAfterS * 1000) / 1000) * 1000).toUTCString();
  return {
    status: 429,
    body: {
      code: 'Throttling.RateQuota',
      message: 'Requests rate limit exceeded, please try again later.',
      request_id: requestId,
    },
    headers: { 'retry-after': retryAfter },
  };
}

const serverStatuses = [500, 502, 503] as const;
const serverBodyCount = 4;

/** One of 500/502/503 with one of the four error body shapes, both picked by `draw`. */
export function serverError(draw: number, requestId: string): ApiReply {
  const status = serverStatuses[draw % serverStatuses.length] ?? 500;
  const text =
    status === 500 ? 'internal server error' : status === 502 ? 'bad gateway' : 'service unavailable';
  const shape = Math.floor(draw / serverStatuses.length) % serverBodyCount;
  const bodies: unknown[] = [
    { message: text },
    { error: text },
    { error: { code: 'InternalError', message: text } },
    { code: 'InternalError', message: text, request_id: requestId },
  ];
  return { status, body: bodies[shape] };
}
