import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { closeQueues, createMetrics, createQueues, recordKeys, type StageQueues } from '@reelay/core';
import { deletePrefix } from '@reelay/devstack';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthServer } from './health-server.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `health-${randomUUID().slice(0, 8)}`;
const keys = recordKeys(prefix);
let redis: Redis;
let queues: StageQueues;
let server: Server & { url: string };

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queues = createQueues(redis, prefix);
  // The prefix is not passed: the server takes the stage queues' own.
  server = await startHealthServer({
    port: 0,
    host: '127.0.0.1',
    metrics: createMetrics({ defaultMetrics: false }),
    queues,
    workers: [],
    redis,
  });
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await closeQueues(queues);
  redis?.disconnect();
  await deletePrefix(REDIS_URL, prefix);
});

const scrape = async () => (await fetch(`${server.url}/metrics`)).text();

/** A tenant as the tenant gate's scripts leave it: settings, usage, its queue and in-flight set. */
async function tenant(
  name: string,
  o: { queued?: number; inFlight?: number; spentAllMicroUsd?: number } = {},
) {
  await redis.sadd(keys.tenants, name);
  await redis.hset(keys.tenant(name), 'w', '1', 'spentAll', String(o.spentAllMicroUsd ?? 0));
  for (let i = 0; i < (o.queued ?? 0); i++) await redis.zadd(keys.tenantQueue(name), i, `gen_${name}_q${i}`);
  for (let i = 0; i < (o.inFlight ?? 0); i++)
    await redis.zadd(keys.tenantInFlight(name), i, `gen_${name}_f${i}`);
}

describe('tenant series on /metrics', () => {
  it('exposes queued, in flight and all-time spend per tenant, read at scrape time', async () => {
    await tenant('acme', { queued: 3, inFlight: 2, spentAllMicroUsd: 12_345_678 });
    await tenant('default', { queued: 0, inFlight: 1 });
    const text = await scrape();
    expect(text).toContain('# TYPE reelay_tenant_queued gauge');
    expect(text).toContain('# TYPE reelay_tenant_in_flight gauge');
    expect(text).toContain('# TYPE reelay_tenant_spend_usd_total counter');
    expect(text).toContain('reelay_tenant_queued{tenant="acme"} 3');
    expect(text).toContain('reelay_tenant_in_flight{tenant="acme"} 2');
    expect(text).toContain('reelay_tenant_spend_usd_total{tenant="acme"} 12.345678');
    expect(text).toContain('reelay_tenant_queued{tenant="default"} 0');
    expect(text).toContain('reelay_tenant_in_flight{tenant="default"} 1');
    expect(text).toContain('reelay_tenant_spend_usd_total{tenant="default"} 0');
    expect(text).toMatch(/^reelay_tenants 2$/m);

    // The next scrape reads again: the spend counter follows the stored total up.
    await redis.hincrby(keys.tenant('acme'), 'spentAll', 1_000_000);
    await redis.zrem(keys.tenantQueue('acme'), 'gen_acme_q0');
    const next = await scrape();
    expect(next).toContain('reelay_tenant_spend_usd_total{tenant="acme"} 13.345678');
    expect(next).toContain('reelay_tenant_queued{tenant="acme"} 2');
  });

  it('keeps series for the first 100 tenants by name only, and counts them all', async () => {
    // 2 tenants so far (acme, default); these sort after both.
    for (let i = 0; i < 105; i++) await tenant(`t${String(i).padStart(3, '0')}`, { queued: 1 });
    const text = await scrape();
    expect(text).toMatch(/^reelay_tenants 107$/m);
    const series = text.match(/^reelay_tenant_queued\{tenant="([^"]+)"\}/gm) ?? [];
    expect(series).toHaveLength(100);
    expect(text).toContain('reelay_tenant_queued{tenant="acme"}');
    expect(text).toContain('reelay_tenant_queued{tenant="t097"}');
    expect(text).not.toContain('tenant="t098"');
    expect((text.match(/^reelay_tenant_spend_usd_total\{/gm) ?? []).length).toBe(100);
    expect(text).toContain('only the first 100 tenants by name');

    // A tenant that sorts first pushes the last one out: its series go.
    await tenant('aaa');
    const after = await scrape();
    expect(after).toContain('reelay_tenant_queued{tenant="aaa"} 0');
    expect(after).not.toContain('tenant="t097"');
    expect(after).toMatch(/^reelay_tenants 108$/m);
  });
});
