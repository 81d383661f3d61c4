export {
  BudgetExceededError,
  type BudgetPeriod,
  isBudgetExceeded,
  isReelayUnavailable,
  isReelayValidationError,
  type Prices,
  ReelayUnavailableError,
  ReelayValidationError,
  type Tenant,
  type TenantSettingsPatch,
} from '@reelay/contracts';
export { IdempotencyConflictError, isIdempotencyConflict } from '@reelay/core/sdk';
export * from './producer.ts';
export { validationIssues } from './validate.ts';
