/**
 * Every `REELAY_*` error code of the system, once. The modules that raise a code take its kind,
 * resumability and default message from here; README.md's "Error codes" table is this
 * catalogue rendered (test/architecture/error-catalogue.test.ts keeps the two, and every
 * code string in the sources, in step).
 */

/**
 * What trying again can achieve. `final`: the same attempt fails the same way (a stage error
 * of this kind fails the generation at once). `transient`: a later attempt may succeed (a
 * stage retries with backoff). `rate_limited`: a later attempt succeeds after the announced
 * wait (a stage waits without spending a job attempt).
 */
export type ErrorKind = 'final' | 'transient' | 'rate_limited';

export interface ErrorSpec {
  /** The default kind; see `varies` for codes whose instances can differ. */
  readonly kind: ErrorKind;
  /**
   * Whether an operator's retry of the failed stage job may resume the generation (the
   * `resumable` of a failed generation's error). False for codes that never fail a generation.
   */
  readonly resumable: boolean;
  /** One line; also the default message of an error raised with this code. */
  readonly meaning: string;
  /** True when an operator must act (bad key, no balance, no permission). */
  readonly alert?: boolean;
  /** How one instance's kind or resumable can differ from the defaults above, and who decides. */
  readonly varies?: string;
}

const STAGE_ONLY_AT_SUBMIT =
  'resumable only when it fails the submit stage; at poll or sink it is not (run-stage.ts decides)';

export const ERRORS = {
  // Upstream (Vtrix), raised by @reelay/vtrix as VtrixError. The HTTP status decides the code
  // (codeForStatus); the code decides the kind.
  REELAY_UPSTREAM_BAD_REQUEST: {
    kind: 'final',
    resumable: true,
    meaning: 'Vtrix rejected the request',
    varies: STAGE_ONLY_AT_SUBMIT,
  },
  REELAY_UPSTREAM_UNAUTHORIZED: {
    kind: 'final',
    resumable: true,
    alert: true,
    meaning: 'Vtrix refused the API key',
  },
  REELAY_UPSTREAM_PAYMENT_REQUIRED: {
    kind: 'final',
    resumable: true,
    alert: true,
    meaning: 'Vtrix account has insufficient balance',
  },
  REELAY_UPSTREAM_FORBIDDEN: {
    kind: 'final',
    resumable: true,
    alert: true,
    meaning: 'Vtrix denied permission',
  },
  REELAY_UPSTREAM_TASK_NOT_FOUND: {
    kind: 'final',
    resumable: false,
    meaning: 'Vtrix task is unknown or expired',
  },
  REELAY_UPSTREAM_REJECTED: {
    kind: 'final',
    resumable: true,
    meaning: 'Vtrix refused the request',
    varies: STAGE_ONLY_AT_SUBMIT,
  },
  REELAY_UPSTREAM_RATE_LIMITED: {
    kind: 'rate_limited',
    resumable: true,
    meaning: 'Vtrix rate limit reached',
  },
  REELAY_UPSTREAM_RETRY_LATER: {
    kind: 'transient',
    resumable: true,
    meaning: 'Vtrix asked to try again later',
  },
  REELAY_UPSTREAM_PAUSED: {
    kind: 'transient',
    resumable: false,
    meaning: 'an operator paused submission to the upstream (reelay upstream pause); generations wait',
  },
  REELAY_UPSTREAM_SERVER_ERROR: { kind: 'transient', resumable: true, meaning: 'Vtrix server error' },
  REELAY_UPSTREAM_NETWORK: { kind: 'transient', resumable: true, meaning: 'network error talking to Vtrix' },
  REELAY_UPSTREAM_TIMEOUT: { kind: 'transient', resumable: true, meaning: 'Vtrix did not answer in time' },
  REELAY_UPSTREAM_ABORTED: { kind: 'transient', resumable: true, meaning: 'request to Vtrix was aborted' },
  REELAY_UPSTREAM_BAD_REPLY: {
    kind: 'transient',
    resumable: true,
    meaning: 'Vtrix sent a reply that cannot be read',
  },
  REELAY_UPSTREAM_REPLY_TOO_LARGE: {
    kind: 'transient',
    resumable: true,
    meaning: 'Vtrix reply exceeded the size limit',
  },
  REELAY_UPSTREAM_CREATE_FAILED: { kind: 'final', resumable: true, meaning: 'Vtrix did not create a task' },
  REELAY_UPSTREAM_NO_VIDEO: {
    kind: 'final',
    resumable: false,
    meaning: 'Vtrix task completed without a video',
  },
  REELAY_UPSTREAM_TASK_FAILED: { kind: 'final', resumable: false, meaning: 'the upstream task failed' },

  // Stages (the worker's StageError, and what run-stage.ts and the deadline sweeper record).
  REELAY_POLL_DEADLINE: {
    kind: 'final',
    // The task may still finish upstream; an operator's retry polls it again.
    resumable: true,
    meaning: 'the upstream task did not finish before the poll deadline',
  },
  REELAY_SUBMIT_UNCERTAIN: {
    kind: 'final',
    // An operator who checked the upstream account may retry, accepting the risk.
    resumable: true,
    meaning: 'an earlier create got no answer and SUBMIT_UNCERTAIN=fail',
  },
  REELAY_SINK_NO_VIDEO_URL: {
    kind: 'final',
    resumable: false,
    meaning: 'the upstream task has no video URL to copy',
  },
  REELAY_SINK_DOWNLOAD_FAILED: {
    kind: 'transient',
    resumable: true,
    meaning: 'downloading the video failed',
  },
  REELAY_SINK_URL_EXPIRED: {
    kind: 'transient',
    resumable: true,
    meaning: 'the video URL stayed expired after refreshing it from the task',
  },
  REELAY_SINK_SIZE_MISMATCH: {
    kind: 'transient',
    resumable: true,
    meaning: 'the copied size differs from the announced size',
  },
  REELAY_SINK_UPLOAD_FAILED: {
    kind: 'transient',
    resumable: true,
    meaning: 'uploading the video to S3 failed',
  },
  REELAY_SINK_DOWNLOAD_BLOCKED: {
    kind: 'final',
    // Retrying resumes only after an operator changed UPSTREAM_ALLOW_PRIVATE_NETWORKS.
    resumable: true,
    meaning:
      'the video URL (or a redirect) is, or resolves to, a private, loopback or link-local address; nothing was downloaded',
  },
  REELAY_SINK_VIDEO_TOO_LARGE: {
    kind: 'final',
    // Retrying resumes only after an operator raised MAX_VIDEO_BYTES.
    resumable: true,
    meaning: 'the video is larger than MAX_VIDEO_BYTES; nothing was stored',
  },
  REELAY_STAGE_ERROR: {
    kind: 'transient',
    resumable: true,
    meaning: 'an unexpected error in a stage (neither a StageError nor a VtrixError)',
  },
  REELAY_MALFORMED_JOB: {
    kind: 'final',
    // The job never reached its generation, so nothing changes there.
    resumable: false,
    meaning:
      "a stage job's data does not match the stage's job schema (a job added by hand, or by other code)",
  },
  REELAY_NOTIFY_NOT_DUE: {
    kind: 'final',
    resumable: false,
    meaning:
      'a notify job for an event that no lifecycle move queued (its delivery track is not open): nothing is sent',
  },
  REELAY_NOTIFY_NO_SECRET: {
    kind: 'final',
    // Recorded as the webhook delivery's error; a delivery never changes the generation.
    resumable: false,
    meaning: 'WEBHOOK_SIGNING_SECRET is not set, so no webhook can be signed',
  },
  REELAY_GENERATION_DEADLINE: {
    kind: 'final',
    resumable: false,
    meaning: 'the generation was not terminal within GENERATION_DEADLINE_MS',
  },
  REELAY_CANCELED: { kind: 'final', resumable: false, meaning: 'the generation was canceled by request' },

  // Requests (producer and HTTP API).
  REELAY_INVALID_REQUEST: {
    kind: 'final',
    resumable: false,
    meaning: 'the request breaks the request rules; every broken rule is listed',
  },
  REELAY_IDEMPOTENCY_CONFLICT: {
    kind: 'final',
    resumable: false,
    meaning: 'the idempotency key was already used for a generation made from a different request',
  },
  REELAY_BUDGET_EXCEEDED: {
    kind: 'final',
    resumable: false,
    meaning:
      "the enqueue would take the tenant's spent and reserved cost over its budget for the period; nothing was enqueued",
  },
  REELAY_REDIS_UNAVAILABLE: {
    kind: 'transient',
    resumable: false,
    meaning:
      'Redis did not answer a producer call within REDIS_COMMAND_TIMEOUT_MS, or is down; a write may or may not have happened',
  },
  REELAY_GENERATION_NOT_FOUND: { kind: 'final', resumable: false, meaning: 'no generation has this id' },
  REELAY_GENERATION_FINISHED: {
    kind: 'final',
    resumable: false,
    meaning: 'the generation has already finished (e.g. a cancel after the end)',
  },
  REELAY_TENANT_NOT_FOUND: {
    kind: 'final',
    resumable: false,
    meaning: 'no tenant of this name that the token may see',
  },
  REELAY_BATCH_NOT_FOUND: {
    kind: 'final',
    resumable: false,
    meaning: 'no batch of this id that the token may see (or its record expired)',
  },
  REELAY_API_MALFORMED_JSON: {
    kind: 'final',
    resumable: false,
    meaning: 'the body is not valid JSON, or empty',
  },
  REELAY_API_BAD_REQUEST: {
    kind: 'final',
    resumable: false,
    meaning: 'the HTTP request could not be processed (another 4xx)',
  },
  REELAY_API_UNAUTHORIZED: { kind: 'final', resumable: false, meaning: 'no API token, or an unknown one' },
  REELAY_API_FORBIDDEN: {
    kind: 'final',
    resumable: false,
    meaning: "the token may not do this (another tenant's work, or a route for operator tokens)",
  },
  REELAY_API_NOT_FOUND: { kind: 'final', resumable: false, meaning: 'no such API route' },
  REELAY_API_METHOD_NOT_ALLOWED: {
    kind: 'final',
    resumable: false,
    meaning: 'the route exists but not with this method (the Allow header lists its methods)',
  },
  REELAY_API_BODY_TOO_LARGE: {
    kind: 'final',
    resumable: false,
    meaning: 'the body is larger than API_BODY_LIMIT_BYTES',
  },
  REELAY_API_UNSUPPORTED_MEDIA_TYPE: {
    kind: 'final',
    resumable: false,
    meaning: 'the body is not sent as application/json',
  },
  REELAY_API_HEADERS_TOO_LARGE: {
    kind: 'final',
    resumable: false,
    meaning: "the request's headers are larger than the HTTP server accepts",
  },
  REELAY_API_INTERNAL: {
    kind: 'transient',
    resumable: false,
    meaning: 'the API failed unexpectedly (a bug or a Redis failure; details only in the log)',
  },
  REELAY_API_UNAVAILABLE: { kind: 'transient', resumable: false, meaning: 'Redis does not answer the API' },
  REELAY_API_SHUTTING_DOWN: {
    kind: 'transient',
    resumable: false,
    meaning: 'the API process is shutting down; send the request again (to another instance)',
  },
  REELAY_API_TOO_MANY_STREAMS: {
    kind: 'transient',
    resumable: false,
    meaning:
      'this token has API_MAX_STREAMS_PER_TOKEN events streams open; close one or retry after Retry-After',
  },
  REELAY_API_STREAMS_FULL: {
    kind: 'transient',
    resumable: false,
    meaning:
      'this API process has API_MAX_STREAMS events streams open; retry after Retry-After (or another instance)',
  },
  REELAY_CLIENT_UNEXPECTED_RESPONSE: {
    kind: 'transient',
    resumable: false,
    meaning:
      '@reelay/client got an error status without a problem body (a proxy or load balancer answered, not the API)',
  },

  // Process start-up and local tooling.
  REELAY_CONFIG_INVALID: {
    kind: 'final',
    resumable: false,
    meaning: 'the environment holds invalid values; the process does not start',
  },
  REELAY_REDIS_NOT_INSTALLED: {
    kind: 'final',
    resumable: false,
    meaning: 'redis-server is not on PATH (local dev stack)',
  },

  // Webhooks: verification (receiver side) and signing, raised by @reelay/webhooks.
  REELAY_WEBHOOK_INVALID_SECRET: {
    kind: 'final',
    resumable: false,
    meaning:
      'a signing secret breaks the whsec_ / base64 / 24–64 byte rule, or a verification secret is empty or not base64',
  },
  REELAY_WEBHOOK_INVALID_INPUT: {
    kind: 'final',
    resumable: false,
    meaning: 'the message id is empty or the timestamp is not whole seconds',
  },
  REELAY_WEBHOOK_MISSING_HEADERS: {
    kind: 'final',
    resumable: false,
    meaning: 'webhook-id, webhook-timestamp or webhook-signature is absent or empty',
  },
  REELAY_WEBHOOK_INVALID_HEADER: {
    kind: 'final',
    resumable: false,
    meaning: 'a webhook header is repeated where one value is required',
  },
  REELAY_WEBHOOK_INVALID_TIMESTAMP: {
    kind: 'final',
    resumable: false,
    meaning: 'webhook-timestamp is not an integer of ASCII digits',
  },
  REELAY_WEBHOOK_TIMESTAMP_TOO_OLD: {
    kind: 'final',
    resumable: false,
    meaning: 'webhook-timestamp is older than the tolerance',
  },
  REELAY_WEBHOOK_TIMESTAMP_TOO_NEW: {
    kind: 'final',
    resumable: false,
    meaning: 'webhook-timestamp is further in the future than the tolerance',
  },
  REELAY_WEBHOOK_NO_SUPPORTED_SIGNATURE: {
    kind: 'final',
    resumable: false,
    meaning: 'webhook-signature holds no v1 signature',
  },
  REELAY_WEBHOOK_SIGNATURE_MISMATCH: {
    kind: 'final',
    resumable: false,
    meaning: 'no v1 signature matches any secret',
  },
  REELAY_WEBHOOK_INVALID_BODY: {
    kind: 'final',
    resumable: false,
    meaning: 'the verified body is not UTF-8 JSON',
  },

  // Webhooks: a refused URL (at enqueue, and again at every delivery).
  REELAY_WEBHOOK_INVALID_URL: {
    kind: 'final',
    resumable: false,
    meaning: 'the webhook URL does not parse or is too long',
  },
  REELAY_WEBHOOK_UNSUPPORTED_SCHEME: {
    kind: 'final',
    resumable: false,
    meaning: 'the webhook URL scheme is neither https nor http',
  },
  REELAY_WEBHOOK_INSECURE_URL: {
    kind: 'final',
    resumable: false,
    meaning: 'http is allowed only with allowPrivateNetworks',
  },
  REELAY_WEBHOOK_URL_CREDENTIALS: {
    kind: 'final',
    resumable: false,
    meaning: 'the webhook URL carries a username or password',
  },
  REELAY_WEBHOOK_BLOCKED_HOST: {
    kind: 'final',
    resumable: false,
    meaning: 'the webhook host is a name reserved for this machine (localhost)',
  },
  REELAY_WEBHOOK_BLOCKED_ADDRESS: {
    kind: 'final',
    resumable: false,
    meaning: 'the webhook host is, or resolves to, a blocked address range',
  },

  // Webhooks: a failed delivery attempt. Every failed attempt but a 410 is retried on the
  // delivery schedule (decideDelivery), whatever its kind.
  REELAY_WEBHOOK_HTTP_STATUS: {
    kind: 'transient',
    resumable: false,
    meaning: 'the receiver answered with a non-2xx status',
    varies: '410 Gone is final (delivery stops); 429 or 503 with a usable Retry-After waits that long',
  },
  REELAY_WEBHOOK_REDIRECT: {
    kind: 'transient',
    resumable: false,
    meaning: 'the receiver answered 3xx; redirects are never followed',
  },
  REELAY_WEBHOOK_TIMEOUT: {
    kind: 'transient',
    resumable: false,
    meaning: 'no complete response within the total deadline',
  },
  REELAY_WEBHOOK_CONNECT_TIMEOUT: {
    kind: 'transient',
    resumable: false,
    meaning: 'the TCP/TLS connection was not established in time',
  },
  REELAY_WEBHOOK_CONNECTION_REFUSED: {
    kind: 'transient',
    resumable: false,
    meaning: 'the receiver refused the connection',
  },
  REELAY_WEBHOOK_CONNECTION_RESET: {
    kind: 'transient',
    resumable: false,
    meaning: 'the connection was reset or closed before a response',
  },
  REELAY_WEBHOOK_DNS_FAILURE: {
    kind: 'transient',
    resumable: false,
    meaning: 'the webhook host did not resolve',
  },
  REELAY_WEBHOOK_TLS_ERROR: {
    kind: 'transient',
    resumable: false,
    meaning: 'the TLS handshake or certificate check failed',
  },
  REELAY_WEBHOOK_NETWORK_ERROR: {
    kind: 'transient',
    resumable: false,
    meaning: 'any other transport failure',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ReelayErrorCode = keyof typeof ERRORS;

/** Every code, in catalogue order. */
export const ERROR_CODES = Object.keys(ERRORS) as ReelayErrorCode[];

export function isReelayErrorCode(code: unknown): code is ReelayErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** The catalogue entry of a code; undefined for a string that is no code (e.g. read from a store). */
export function errorSpec(code: ReelayErrorCode): ErrorSpec;
export function errorSpec(code: string): ErrorSpec | undefined;
export function errorSpec(code: string): ErrorSpec | undefined {
  return isReelayErrorCode(code) ? ERRORS[code] : undefined;
}
