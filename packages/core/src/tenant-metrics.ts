import { fromMicroUsd } from '@reelay/contracts';
import type { Redis } from 'ioredis';
import type { Counter, Gauge } from 'prom-client';
import { createTenantStore } from './tenant-store.ts';
import { recordKeys } from './topology.ts';

/**
 * Series per tenant at most: the first tenants by name get `reelay_tenant_*` series, the rest
 * are counted in `reelay_tenants` only. Tenant names are operator-controlled (setTenant, the
 * `tenant` enqueue option), but a bug that names a tenant per request must not blow up a
 * Prometheus: each series costs it memory for as long as it is retained.
 */
export const TENANT_SERIES_LIMIT = 100;

/** One tenant's figures at scrape time. */
export type TenantSample = { name: string; queued: number; inFlight: number; spentAllUsd: number };

export type TenantSnapshot = { total: number; tenants: TenantSample[] };

export type TenantSeries = {
  queued: Gauge<'tenant'>;
  inFlight: Gauge<'tenant'>;
  spend: Counter<'tenant'>;
  known: Gauge;
};

/**
 * Reads the first `limit` tenants by name: queued and in flight as the tenant store counts them,
 * and `spentAll` (micro-USD ever spent, only ever added to) from the tenant hash.
 */
export async function readTenantSnapshot(
  redis: Redis,
  prefix: string,
  limit = TENANT_SERIES_LIMIT,
): Promise<TenantSnapshot> {
  const keys = recordKeys(prefix);
  const store = createTenantStore(redis, { prefix });
  const names = (await redis.smembers(keys.tenants)).sort();
  const tenants = await Promise.all(
    names.slice(0, limit).map(async (name): Promise<TenantSample> => {
      const [t, spentAll] = await Promise.all([store.get(name), redis.hget(keys.tenant(name), 'spentAll')]);
      return {
        name,
        queued: t.usage.queued,
        inFlight: t.usage.inFlight,
        spentAllUsd: fromMicroUsd(Math.max(0, Number(spentAll ?? 0) || 0)),
      };
    }),
  );
  return { total: names.length, tenants };
}

/**
 * Replaces every tenant series with the snapshot's. Synchronous, so a scrape never sees half of
 * it; a tenant pushed out of the first `limit` loses its series. The spend counter is set from
 * the stored total (reset, then added to), which only grows: Prometheus' rate() works on it,
 * and a worker restart reads the same total back.
 */
export function setTenantSeries(series: TenantSeries, snapshot: TenantSnapshot): void {
  series.queued.reset();
  series.inFlight.reset();
  series.spend.reset();
  for (const t of snapshot.tenants) {
    const labels = { tenant: t.name };
    series.queued.set(labels, t.queued);
    series.inFlight.set(labels, t.inFlight);
    series.spend.inc(labels, t.spentAllUsd);
  }
  series.known.set(snapshot.total);
}
