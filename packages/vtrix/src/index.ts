export { isAccountFailure } from './account-failure.ts';
export {
  classifyHttpFailure,
  codeForStatus,
  type HttpFailure,
  parseRetryAfter,
  type VtrixOperation,
} from './classify-http.ts';
export { classifyNetworkError } from './classify-network.ts';
export {
  type CreateTaskOptions,
  createVtrixClient,
  GENERATION_ID_HEADER,
  type GetTaskOptions,
  type VtrixClient,
} from './client.ts';
export { DEFAULT_MODEL, type VtrixClientOptions } from './client-options.ts';
export {
  isVtrixError,
  TASK_CANCELED_CODE,
  TASK_FAILED_CODE,
  VTRIX_ERRORS,
  VtrixError,
  type VtrixErrorCode,
  type VtrixErrorDetails,
  type VtrixErrorKind,
} from './errors.ts';
export { type Interpreted, interpretReply, type ReplyFacts } from './interpret-reply.ts';
export { normalizeCreated } from './normalize-created.ts';
export { classifyStatus, normalizeTask, type StatusClass } from './normalize-task.ts';
export type { CreatedTask, VtrixTask, VtrixTaskStatus } from './types.ts';
export { extractUpstreamError, type UpstreamErrorInfo } from './upstream-error-body.ts';
