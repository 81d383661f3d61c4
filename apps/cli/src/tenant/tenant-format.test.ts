import type { Tenant } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { formatUsd, spentAgainstBudget, tenantBlock, tenantTable } from './tenant-format.ts';

const tenant = (over: Partial<Tenant> = {}, usage: Partial<Tenant['usage']> = {}): Tenant => ({
  name: 'acme',
  weight: 1,
  maxInFlight: null,
  budget: null,
  paused: false,
  ...over,
  usage: { queued: 0, inFlight: 0, reservedUsd: 0, spentUsd: 0, periodStart: 0, ...usage },
});

describe('formatUsd', () => {
  it('keeps cents, and micro-dollars when there are any', () => {
    expect(formatUsd(0)).toBe('0.00');
    expect(formatUsd(0.5)).toBe('0.50');
    expect(formatUsd(12)).toBe('12.00');
    expect(formatUsd(0.123456)).toBe('0.123456');
    expect(formatUsd(0.0015)).toBe('0.0015');
    expect(formatUsd(1_000_000_000)).toBe('1000000000.00');
  });
});

describe('tenantTable', () => {
  it('prints one aligned row per tenant', () => {
    const text = tenantTable([
      tenant(
        { name: 'acme', weight: 3, maxInFlight: 10, budget: { limitUsd: 500, period: 'month' } },
        { queued: 4, inFlight: 2, spentUsd: 12.5 },
      ),
      tenant({ name: 'default', paused: true }),
    ]);
    expect(text.split('\n')).toEqual([
      'tenant   weight  cap  paused  queued  in flight  spent / budget',
      `-------  ------  ---  ------  ------  ---------  ${'-'.repeat(32)}`,
      'acme     3       10   no      4       2          12.50 / 500.00 USD per UTC month',
      'default  1       -    yes     0       0          0.00 USD (no budget)',
    ]);
  });

  it('says so when there are none', () => {
    expect(tenantTable([])).toMatch(/^no tenants yet/);
  });
});

describe('tenantBlock', () => {
  it('shows settings and usage, with the budget period', () => {
    const text = tenantBlock(
      tenant(
        { weight: 2, maxInFlight: 5, paused: true, budget: { limitUsd: 20, period: 'day' } },
        { queued: 1, inFlight: 3, reservedUsd: 0.75, spentUsd: 1.25, periodStart: Date.UTC(2026, 10, 24) },
      ),
    );
    expect(text.split('\n')).toEqual([
      'tenant         acme',
      'weight         2',
      'max in flight  5',
      'paused         yes (no new submits; queued work waits)',
      'budget         20.00 USD per UTC day',
      'queued         1',
      'in flight      3',
      'spent          1.25 USD since 2026-11-24T00:00:00.000Z',
      'reserved       0.75 USD (estimates of generations not yet ended)',
    ]);
  });

  it('shows the defaults of a tenant never configured', () => {
    const text = tenantBlock(tenant());
    expect(text).toContain('max in flight  none (only MAX_IN_FLIGHT applies)');
    expect(text).toContain('budget         none');
    expect(text).toContain('spent          0.00 USD\n');
    expect(spentAgainstBudget(tenant({ budget: { limitUsd: 9, period: 'total' } }))).toBe(
      '0.00 / 9.00 USD in total',
    );
  });
});
