export type {
  BudgetPeriod,
  FieldIssue,
  GenerationRequest,
  GenerationState,
  GenerationStatus,
  Metadata,
  Tenant,
  TenantBudget,
  TenantSettingsPatch,
  TenantUsage,
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
  type BudgetExceededProblem,
  isBudgetExceededProblem,
  isReelayApiError,
  isReelayRequestError,
  type ProblemDetails,
  ReelayApiError,
  ReelayRequestError,
} from './errors.ts';
