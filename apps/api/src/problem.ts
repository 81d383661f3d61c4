import type { FieldIssue, ReelayErrorCode } from '@reelay/contracts';
import type { FastifyReply } from 'fastify';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Retry-After of a 503 for an unavailable Redis: short, since most outages are a restart or a
 * failover of seconds; a client that keeps meeting 503s should back off on its own.
 */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

/**
 * Every error the API answers with, once: its HTTP status, title and stable code (each code is
 * an entry of the catalogue in @reelay/contracts, ERRORS). Clients branch on `type` or `code`,
 * never on `title` or `detail`.
 */
export const PROBLEMS = {
  'malformed-json': { status: 400, title: 'The body is not valid JSON', code: 'REELAY_API_MALFORMED_JSON' },
  'bad-request': { status: 400, title: 'Bad request', code: 'REELAY_API_BAD_REQUEST' },
  unauthorized: { status: 401, title: 'Authentication required', code: 'REELAY_API_UNAUTHORIZED' },
  forbidden: { status: 403, title: 'Not allowed for this token', code: 'REELAY_API_FORBIDDEN' },
  'budget-exceeded': {
    status: 402,
    title: "The tenant's budget would be exceeded",
    code: 'REELAY_BUDGET_EXCEEDED',
  },
  'not-found': { status: 404, title: 'No such route', code: 'REELAY_API_NOT_FOUND' },
  'method-not-allowed': {
    status: 405,
    title: 'The route does not allow this method',
    code: 'REELAY_API_METHOD_NOT_ALLOWED',
  },
  'generation-not-found': {
    status: 404,
    title: 'No such generation',
    code: 'REELAY_GENERATION_NOT_FOUND',
  },
  'batch-not-found': { status: 404, title: 'No such batch', code: 'REELAY_BATCH_NOT_FOUND' },
  'tenant-not-found': { status: 404, title: 'No such tenant', code: 'REELAY_TENANT_NOT_FOUND' },
  'idempotency-conflict': {
    status: 409,
    title: 'The idempotency key was used with a different request',
    code: 'REELAY_IDEMPOTENCY_CONFLICT',
  },
  'generation-finished': {
    status: 409,
    title: 'The generation has already finished',
    code: 'REELAY_GENERATION_FINISHED',
  },
  'body-too-large': { status: 413, title: 'The body is too large', code: 'REELAY_API_BODY_TOO_LARGE' },
  'unsupported-media-type': {
    status: 415,
    title: 'The body must be application/json',
    code: 'REELAY_API_UNSUPPORTED_MEDIA_TYPE',
  },
  'too-many-streams': {
    status: 429,
    title: 'Too many event streams for this token',
    code: 'REELAY_API_TOO_MANY_STREAMS',
  },
  'headers-too-large': {
    status: 431,
    title: 'The request headers are too large',
    code: 'REELAY_API_HEADERS_TOO_LARGE',
  },
  'invalid-request': { status: 422, title: 'The request is invalid', code: 'REELAY_INVALID_REQUEST' },
  internal: { status: 500, title: 'Internal error', code: 'REELAY_API_INTERNAL' },
  unavailable: { status: 503, title: 'Service unavailable', code: 'REELAY_API_UNAVAILABLE' },
  'shutting-down': { status: 503, title: 'The API is shutting down', code: 'REELAY_API_SHUTTING_DOWN' },
  'streams-full': { status: 503, title: 'Too many event streams open', code: 'REELAY_API_STREAMS_FULL' },
} as const satisfies Record<string, { status: number; title: string; code: ReelayErrorCode }>;
export type ProblemKind = keyof typeof PROBLEMS;

/** RFC 9457 problem details plus Reelay's extension members. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ReelayErrorCode;
  errors?: FieldIssue[];
  [extension: string]: unknown;
};

/** Stable, non-dereferenceable type URIs (RFC 9457 §3.1.1 allows that). */
export const problemType = (kind: ProblemKind): string => `urn:reelay:problem:${kind}`;

/** `instance` is the request path without its query (a query may carry things not to echo). */
export const instanceOf = (url: string): string => url.split('?')[0] ?? url;

export function problem(
  kind: ProblemKind,
  detail: string,
  instance: string,
  extensions: Record<string, unknown> & { status?: number } = {},
): Problem {
  const def = PROBLEMS[kind];
  return {
    type: problemType(kind),
    title: def.title,
    status: def.status,
    detail,
    instance,
    code: def.code,
    ...extensions,
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type(PROBLEM_CONTENT_TYPE).send(p);
}

/**
 * Maps a framework error (body parsing, limits) to a problem; anything unknown is a 500 whose
 * detail says nothing about internals (the log has the error).
 */
export function problemOfError(
  err: { code?: string; statusCode?: number; message?: string },
  instance: string,
  bodyLimitBytes: number,
): Problem {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem('malformed-json', 'the body could not be parsed as JSON', instance);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem('malformed-json', 'the body is empty; send a JSON object', instance);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('body-too-large', `the body is larger than ${bodyLimitBytes} bytes`, instance, {
        limitBytes: bodyLimitBytes,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem('unsupported-media-type', 'send the body as content-type application/json', instance);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx messages describe the request, not the server, so they are safe to echo.
    const detail =
      err.code?.startsWith('FST_') && err.message ? err.message : 'the request could not be processed';
    return problem('bad-request', detail, instance, { status });
  }
  return problem('internal', 'the request failed; see the server log', instance);
}
