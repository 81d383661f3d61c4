import { z } from 'zod';
import { ReelayValidationError, toFieldIssues } from './validation-error.ts';

/** The tenant of a generation that names none. */
export const DEFAULT_TENANT = 'default';
const NAME_RULE = 'must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"';
export const TenantName = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: NAME_RULE });

export const BUDGET_PERIODS = ['day', 'month', 'total'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

export const TenantBudget = z.strictObject({
  limitUsd: z
    .number({ error: 'must be a number of US dollars' })
    .min(0, { error: 'must be at least 0' })
    .max(1e9, {
      error: 'must be at most 1000000000',
    }),
  period: z.enum(BUDGET_PERIODS, {
    error: `must be one of ${BUDGET_PERIODS.join(', ')} (UTC calendar periods)`,
  }),
});
export type TenantBudget = z.infer<typeof TenantBudget>;

/** What `setTenant` changes; a field left out keeps its value. */
export const TenantSettingsPatch = z.strictObject({
  weight: z
    .number()
    .int({ error: 'must be an integer from 1 to 100' })
    .min(1, { error: 'must be an integer from 1 to 100' })
    .max(100, { error: 'must be an integer from 1 to 100' })
    .optional(),
  maxInFlight: z
    .number()
    .int({ error: 'must be a positive integer or null (no cap of its own)' })
    .min(1, { error: 'must be a positive integer or null (no cap of its own)' })
    .max(1_000_000, { error: 'must be at most 1000000' })
    .nullable()
    .optional(),
  budget: TenantBudget.nullable().optional(),
  paused: z.boolean({ error: 'must be true or false' }).optional(),
});
export type TenantSettingsPatch = z.infer<typeof TenantSettingsPatch>;

export type TenantSettings = {
  weight: number;
  maxInFlight: number | null;
  budget: TenantBudget | null;
  paused: boolean;
};

export type TenantUsage = {
  /** Generations waiting for a submit slot. */
  queued: number;
  /** Generations holding an upstream slot (submitting or running). */
  inFlight: number;
  /** Estimates of the generations not yet ended. */
  reservedUsd: number;
  /** What ended generations cost in the current budget period. */
  spentUsd: number;
  /** Start of the current budget period (ms; 0 for `total` or without a budget). */
  periodStart: number;
};

export type Tenant = { name: string } & TenantSettings & { usage: TenantUsage };

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  weight: 1,
  maxInFlight: null,
  budget: null,
  paused: false,
};

export function parseTenantName(value: unknown, field = 'tenant'): string {
  const result = TenantName.safeParse(value);
  if (result.success) return result.data;
  throw new ReelayValidationError(toFieldIssues(result.error.issues, field), 'tenant name');
}

export function parseTenantSettingsPatch(value: unknown): TenantSettingsPatch {
  const result = TenantSettingsPatch.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ReelayValidationError(toFieldIssues(result.error.issues), 'tenant settings');
}

/** UTC start (ms) of the budget period that holds `now`; 0 for `total`. */
export function periodStart(period: BudgetPeriod, now: number): number {
  const d = new Date(now);
  if (period === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return 0;
}
