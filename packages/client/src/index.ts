export type {
  FieldIssue,
  GenerationRequest,
  GenerationState,
  GenerationStatus,
  Metadata,
  WebhookTarget,
} from '@reelay/contracts';
export {
  type CancelResult,
  type ClientOptions,
  type CreateOptions,
  type CreateResult,
  createClient,
  type EventsOptions,
  eventIdOf,
  type ReelayClient,
  type StateEvent,
} from './client.ts';
export {
  isReelayApiError,
  isReelayRequestError,
  type ProblemDetails,
  ReelayApiError,
  ReelayRequestError,
} from './errors.ts';
