import type { Redis } from 'ioredis';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  readTenantSnapshot,
  setTenantSeries,
  TENANT_SERIES_LIMIT,
  type TenantSeries,
} from './tenant-metrics.ts';

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Reelay's Prometheus series. One registry per process (tests make their own). Queue depths,
 * tenant figures and event-loop figures are read at scrape time; the rest are counted where
 * they happen.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'reelay_process_' });
  const registers = [registry];
  const firstTenants = `read at scrape time; only the first ${TENANT_SERIES_LIMIT} tenants by name, see reelay_tenants`;
  const tenantSeries: TenantSeries = {
    queued: new Gauge({
      name: 'reelay_tenant_queued',
      help: `Generations waiting in the tenant's queue for an upstream slot (${firstTenants})`,
      labelNames: ['tenant'],
      registers,
    }),
    inFlight: new Gauge({
      name: 'reelay_tenant_in_flight',
      help: `Generations of the tenant holding an upstream slot (${firstTenants})`,
      labelNames: ['tenant'],
      registers,
    }),
    spend: new Counter({
      name: 'reelay_tenant_spend_usd_total',
      help: `US dollars the tenant's ended generations cost, all time (${firstTenants})`,
      labelNames: ['tenant'],
      registers,
    }),
    known: new Gauge({
      name: 'reelay_tenants',
      help: `Tenants known; above ${TENANT_SERIES_LIMIT}, the reelay_tenant_* series cover the first ${TENANT_SERIES_LIMIT} by name only`,
      registers,
    }),
  };
  return {
    registry,
    jobs: new Counter({
      name: 'reelay_jobs_total',
      help: 'Stage jobs processed, by stage and outcome',
      labelNames: ['stage', 'outcome'],
      registers,
    }),
    stageDuration: new Histogram({
      name: 'reelay_stage_duration_seconds',
      help: 'Time one stage job took',
      labelNames: ['stage'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'reelay_upstream_request_duration_seconds',
      help: 'Vtrix API latency, by operation and HTTP status (or error code)',
      labelNames: ['operation', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers,
    }),
    upstreamAlerts: new Counter({
      name: 'reelay_upstream_alerts_total',
      help: 'Upstream refusals needing an operator (401/402/403)',
      labelNames: ['code'],
      registers,
    }),
    upstreamPaused: new Gauge({
      name: 'reelay_upstream_paused',
      help: '1 while submission to the upstream is paused (an account failure, or an operator); read at scrape time',
      registers,
    }),
    uncertainSubmits: new Counter({
      name: 'reelay_submit_uncertain_total',
      help: 'Creates retried after an unanswered create: possible second upstream task',
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'reelay_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'reelay_queue_jobs',
      help: 'Jobs per stage queue and state (read at scrape time)',
      labelNames: ['queue', 'state'],
      registers,
    }),
    tasksInFlight: new Gauge({
      name: 'reelay_tasks_in_flight',
      help: 'Upstream tasks being polled (poll jobs waiting, delayed or active)',
      registers,
    }),
    tenants: tenantSeries,
    /** Reads the tenants under `prefix` and replaces their series (call it at scrape time). */
    async collectTenants(redis: Redis, prefix: string): Promise<void> {
      setTenantSeries(tenantSeries, await readTenantSnapshot(redis, prefix));
    },
  };
}
