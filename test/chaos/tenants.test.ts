import { describe, expect, it } from 'vitest';
import { checkTenantInvariants, type TenantTally, tenantOf } from './tenants.ts';

const settled = (name: string, over: Partial<TenantTally['usage']> = {}, settledUsd = 1.5): TenantTally => ({
  name,
  usage: { queued: 0, inFlight: 0, reservedUsd: 0, spentUsd: 1.5, periodStart: 0, ...over },
  records: { active: 0, ended: 3, settledUsd, unsettled: 0 },
});
const samples = { betaMaxInFlight: 3, gammaMaxCommittedUsd: 4, gammaLimitUsd: 4, samples: 20 };

describe('tenant invariants', () => {
  it('hold when caps and budgets held and every counter matches the records', () => {
    expect(checkTenantInvariants(samples, [settled('alpha'), settled('beta')]).every((i) => i.ok)).toBe(true);
  });

  it('catch a cap passed, a budget passed, a leaked slot, a leaked reservation and spend that the records do not explain', () => {
    const failing = (s: typeof samples, t: TenantTally[]) =>
      checkTenantInvariants(s, t)
        .filter((i) => !i.ok)
        .map((i) => i.name);
    expect(failing({ ...samples, betaMaxInFlight: 4 }, [settled('a')])).toEqual([
      "a tenant's in-flight count never exceeds its cap",
    ]);
    expect(failing({ ...samples, gammaMaxCommittedUsd: 4.01 }, [settled('a')])).toEqual([
      'spent + reserved never exceeds a budget',
    ]);
    for (const leak of [
      settled('a', { inFlight: 1 }),
      settled('a', { reservedUsd: 0.75 }),
      settled('a', {}, 1),
    ])
      expect(failing(samples, [leak])).toEqual([
        'every tenant counter equals what the records say (no leaked slot or reservation)',
      ]);
  });

  it('spreads the plan over three tenants, a repeated key keeping its tenant', () => {
    expect([0, 1, 2, 3].map(tenantOf)).toEqual(['alpha', 'beta', 'gamma', 'alpha']);
  });
});
