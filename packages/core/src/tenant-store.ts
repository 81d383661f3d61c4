import {
  type BudgetPeriod,
  DEFAULT_TENANT_SETTINGS,
  fromMicroUsd,
  periodStart,
  type Tenant,
  type TenantSettingsPatch,
  toMicroUsd,
} from '@reelay/contracts';
import type { Redis } from 'ioredis';
import { recordKeys } from './topology.ts';

/** Tenant setting fields as the gate stores them; '' deletes one (no cap, no budget, not paused). */
export type TenantFields = Partial<Record<'w' | 'mif' | 'bl' | 'bp' | 'pz', string>>;

/** What `reconcileTenant` repaired: all zero when the counters matched the records. */
export type TenantRepair = { slotsFreed: number; queueEntriesDropped: number; reservedChangeUsd: number };

/** A settings patch in the gate's field names (lua/tenant-gate.lua); '' deletes a field. */
export function toTenantFields(patch: TenantSettingsPatch): TenantFields {
  const fields: TenantFields = {};
  if (patch.weight !== undefined) fields.w = String(patch.weight);
  if (patch.maxInFlight !== undefined)
    fields.mif = patch.maxInFlight === null ? '' : String(patch.maxInFlight);
  if (patch.budget !== undefined) {
    fields.bl = patch.budget === null ? '' : String(toMicroUsd(patch.budget.limitUsd));
    fields.bp = patch.budget === null ? '' : patch.budget.period;
  }
  if (patch.paused !== undefined) fields.pz = patch.paused ? '1' : '';
  return fields;
}

/** A tenant as stored: settings (defaults for what was never set) and usage. */
export function decodeTenant(
  name: string,
  h: Record<string, string>,
  counts: { queued: number; inFlight: number },
  now: number,
): Tenant {
  const period = h.bp as BudgetPeriod | undefined;
  const start = period ? periodStart(period, now) : 0;
  // A period that ended since the last write has spent nothing yet in the new one.
  const spent = Number(h.ps ?? 0) === start ? Number(h.spent ?? 0) : 0;
  return {
    name,
    weight: h.w ? Number(h.w) : DEFAULT_TENANT_SETTINGS.weight,
    maxInFlight: h.mif ? Number(h.mif) : null,
    budget: h.bl && period ? { limitUsd: fromMicroUsd(Number(h.bl)), period } : null,
    paused: h.pz === '1',
    usage: {
      queued: counts.queued,
      inFlight: counts.inFlight,
      reservedUsd: fromMicroUsd(Number(h.rsv ?? 0)),
      spentUsd: fromMicroUsd(spent),
      periodStart: start,
    },
  };
}

/** Reads tenants (settings and usage). Changing them is the lifecycle's (setTenant). */
export function createTenantStore(redis: Redis, opts: { prefix: string; now?: () => number }) {
  const keys = recordKeys(opts.prefix);
  const now = opts.now ?? Date.now;

  async function get(name: string): Promise<Tenant> {
    const [h, queued, inFlight] = await Promise.all([
      redis.hgetall(keys.tenant(name)),
      redis.zcard(keys.tenantQueue(name)),
      redis.zcard(keys.tenantInFlight(name)),
    ]);
    return decodeTenant(name, h, { queued, inFlight }, now());
  }

  return {
    get,
    /** Every tenant ever named (by an enqueue or a setting), by name. */
    async list(): Promise<Tenant[]> {
      const names = (await redis.smembers(keys.tenants)).sort();
      return Promise.all(names.map(get));
    },
  };
}

export type TenantStore = ReturnType<typeof createTenantStore>;
