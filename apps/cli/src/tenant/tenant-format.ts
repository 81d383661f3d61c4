import type { Tenant } from '@reelay/contracts';
import { renderTable } from '../demo/table.ts';

/** Dollars with cents, and the micro-dollars the store keeps when there are any: `0.50`, `0.123456`. */
export function formatUsd(usd: number): string {
  return usd.toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1');
}

const PER: Record<NonNullable<Tenant['budget']>['period'], string> = {
  day: 'per UTC day',
  month: 'per UTC month',
  total: 'in total',
};

/** `12.00 / 500.00 USD per UTC month`, or `12.00 USD (no budget)`. */
export function spentAgainstBudget(t: Tenant): string {
  const spent = formatUsd(t.usage.spentUsd);
  return t.budget
    ? `${spent} / ${formatUsd(t.budget.limitUsd)} USD ${PER[t.budget.period]}`
    : `${spent} USD (no budget)`;
}

/** `reelay tenant list`: one row per tenant. */
export function tenantTable(tenants: Tenant[]): string {
  if (!tenants.length) return 'no tenants yet (a tenant appears when it is first enqueued for or set)';
  return renderTable(
    ['tenant', 'weight', 'cap', 'paused', 'queued', 'in flight', 'spent / budget'],
    tenants.map((t) => [
      t.name,
      String(t.weight),
      t.maxInFlight === null ? '-' : String(t.maxInFlight),
      t.paused ? 'yes' : 'no',
      String(t.usage.queued),
      String(t.usage.inFlight),
      spentAgainstBudget(t),
    ]),
  );
}

/** `reelay tenant show` and `set`: one tenant as aligned `label  value` lines. */
export function tenantBlock(t: Tenant): string {
  const rows: Array<[string, string]> = [
    ['tenant', t.name],
    ['weight', String(t.weight)],
    ['max in flight', t.maxInFlight === null ? 'none (only MAX_IN_FLIGHT applies)' : String(t.maxInFlight)],
    ['paused', t.paused ? 'yes (no new submits; queued work waits)' : 'no'],
    ['budget', t.budget ? `${formatUsd(t.budget.limitUsd)} USD ${PER[t.budget.period]}` : 'none'],
    ['queued', String(t.usage.queued)],
    ['in flight', String(t.usage.inFlight)],
    [
      'spent',
      `${formatUsd(t.usage.spentUsd)} USD${
        t.budget && t.budget.period !== 'total' ? ` since ${new Date(t.usage.periodStart).toISOString()}` : ''
      }`,
    ],
    ['reserved', `${formatUsd(t.usage.reservedUsd)} USD (estimates of generations not yet ended)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
