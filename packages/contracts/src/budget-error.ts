import { brandError } from './branded-error.ts';

/** What a refused enqueue asked for, against what the tenant had (US dollars). */
export type BudgetRefusal = {
  tenant: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  requestedUsd: number;
};

/**
 * An enqueue (or a whole enqueueMany) that would take the tenant's spent + reserved cost over
 * its budget for the period. Nothing was enqueued. The HTTP API answers 402.
 */
export class BudgetExceededError extends Error implements BudgetRefusal {
  readonly code = 'REELAY_BUDGET_EXCEEDED' as const;
  readonly tenant: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
  readonly reservedUsd: number;
  readonly requestedUsd: number;

  constructor(r: BudgetRefusal) {
    super(
      `tenant ${r.tenant}: ${r.requestedUsd.toFixed(2)} USD more would exceed its budget of ${r.limitUsd.toFixed(2)} USD (spent ${r.spentUsd.toFixed(2)}, reserved ${r.reservedUsd.toFixed(2)})`,
    );
    this.name = 'BudgetExceededError';
    this.tenant = r.tenant;
    this.limitUsd = r.limitUsd;
    this.spentUsd = r.spentUsd;
    this.reservedUsd = r.reservedUsd;
    this.requestedUsd = r.requestedUsd;
  }
}

export const isBudgetExceeded = brandError('budget.exceeded', BudgetExceededError);
