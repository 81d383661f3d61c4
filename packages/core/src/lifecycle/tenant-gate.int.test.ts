/**
 * The tenant gate against real Redis, without workers: what grant.lua hands out (fair share by
 * weight, own caps, pauses, priority then FIFO), what a release gives back, and the budget's
 * reservation at enqueue and settlement at the end (create.lua, move.lua).
 */
import { randomUUID } from 'node:crypto';
import {
  BudgetExceededError,
  type GenerationRequest,
  isBudgetExceeded,
  newGenerationId,
} from '@reelay/contracts';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeQueues, createQueues, type StageQueues } from '../queues.ts';
import { createStatusStore, type NewGeneration, type StatusStore } from '../status-store.ts';
import { createTenantStore, type TenantStore, toTenantFields } from '../tenant-store.ts';
import { createLifecycle, type Lifecycle } from './lifecycle.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const request: GenerationRequest = {
  input: { media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] },
  parameters: { duration: 5, resolution: '1080P' },
};
const ESTIMATE = 750_000; // 5 s × 0.15 USD, in µUSD
let prefix: string;
let queues: StageQueues;
let store: StatusStore;
let tenants: TenantStore;

function gate(maxInFlight: number): Lifecycle {
  return createLifecycle(redis, queues, {
    prefix,
    recordRetentionS: 3_600,
    idempotencyTtlS: 3_600,
    generationDeadlineMs: 60_000,
    maxInFlight,
  });
}

const gen = (tenant: string, priority?: number): NewGeneration => ({
  id: newGenerationId(),
  request,
  options: priority ? { priority } : {},
  fingerprint: 'fp',
  tenant,
  estimateMicroUsd: ESTIMATE,
});

/** Tenant of each generation that holds a slot, counted. */
async function inFlightBy(...names: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of names) out[t] = (await tenants.get(t)).usage.inFlight;
  return out;
}

beforeEach(() => {
  prefix = `test-${randomUUID()}`;
  queues = createQueues(redis, prefix);
  store = createStatusStore(redis, { prefix });
  tenants = createTenantStore(redis, { prefix });
});
afterEach(async () => {
  await closeQueues(queues);
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }))
    if ((keys as string[]).length) await redis.del(...(keys as string[]));
});
afterAll(() => redis.quit());

describe('the tenant gate', () => {
  it('grants slots in proportion to weight while both tenants have work, and adds their submit jobs', async () => {
    // No limit on the producer's side: the test grants by hand, 20 slots.
    const lifecycle = gate(20);
    await lifecycle.setTenant('b', toTenantFields({ weight: 3 }));
    // A enqueues first, a lot; B later. FIFO would give A every slot.
    await createLifecycle(redis, queues, {
      prefix,
      recordRetentionS: 3_600,
      idempotencyTtlS: 3_600,
      generationDeadlineMs: 60_000,
    }).enqueue(Array.from({ length: 100 }, () => gen('a')));
    await createLifecycle(redis, queues, {
      prefix,
      recordRetentionS: 3_600,
      idempotencyTtlS: 3_600,
      generationDeadlineMs: 60_000,
    }).enqueue(Array.from({ length: 100 }, () => gen('b')));
    // Nothing granted yet: no worker published MAX_IN_FLIGHT, so the producers granted nothing.
    expect(await queues.submit.count()).toBe(0);
    expect(await lifecycle.dispatch()).toBe(20);
    expect(await inFlightBy('a', 'b')).toEqual({ a: 5, b: 15 });
    expect(await queues.submit.count()).toBe(20);
    expect((await tenants.get('a')).usage.queued).toBe(95);
    // Full: nothing more until a slot frees.
    expect(await lifecycle.dispatch()).toBe(0);
  });

  it('a tenant that was idle joins at the current pass: no burst of saved-up credit', async () => {
    const lifecycle = gate(10);
    await lifecycle.enqueue(Array.from({ length: 30 }, () => gen('a')));
    expect(await inFlightBy('a')).toEqual({ a: 10 });
    // A's slots free one by one; B arrives with work after A has had 10 grants.
    await lifecycle.enqueue(Array.from({ length: 30 }, () => gen('b')));
    const held = await redis.zrange(`${prefix}:tenant:a:inflight`, 0, -1);
    for (const id of held.slice(0, 6)) await lifecycle.cancel(id);
    // Equal weights: the 6 freed slots alternate, not 6 × B.
    expect(await inFlightBy('a', 'b')).toEqual({ a: 7, b: 3 });
  });

  it("never exceeds a tenant's own cap, and grants it again when one of its slots frees", async () => {
    const lifecycle = gate(10);
    await lifecycle.setTenant('a', toTenantFields({ maxInFlight: 2 }));
    await lifecycle.enqueue(Array.from({ length: 8 }, () => gen('a')));
    await lifecycle.enqueue(Array.from({ length: 3 }, () => gen('b')));
    expect(await inFlightBy('a', 'b')).toEqual({ a: 2, b: 3 });
    const [first] = await redis.zrange(`${prefix}:tenant:a:inflight`, 0, 0);
    await lifecycle.fail(
      { id: first!, wants: [] },
      { stage: 'submit', code: 'REELAY_UPSTREAM_FINAL', message: 'm', resumable: false },
    );
    expect(await inFlightBy('a', 'b')).toEqual({ a: 2, b: 3 });
    expect((await tenants.get('a')).usage.queued).toBe(5);
  });

  it('submits nothing new for a paused tenant; its queued work waits; resuming grants it', async () => {
    const lifecycle = gate(10);
    await lifecycle.setTenant('a', toTenantFields({ paused: true }));
    await lifecycle.enqueue(Array.from({ length: 4 }, () => gen('a')));
    await lifecycle.enqueue(Array.from({ length: 2 }, () => gen('b')));
    expect(await inFlightBy('a', 'b')).toEqual({ a: 0, b: 2 });
    expect((await tenants.get('a')).usage.queued).toBe(4);
    await lifecycle.setTenant('a', toTenantFields({ paused: false }));
    expect(await lifecycle.dispatch()).toBe(4);
    expect(await inFlightBy('a')).toEqual({ a: 4 });
  });

  it('within a tenant: priority first, then the order of enqueue', async () => {
    const lifecycle = gate(1);
    const a = [gen('a'), gen('a'), gen('a', 5), gen('a', 1), gen('a')];
    await lifecycle.enqueue(a.slice(0, 2));
    await lifecycle.enqueue(a.slice(2));
    const order: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const [held] = await redis.zrange(`${prefix}:tenant:a:inflight`, 0, 0);
      order.push(held!);
      await lifecycle.cancel(held!);
    }
    // No priority is served first (as BullMQ does), then 1 before 5.
    expect(order).toEqual([a[0]!.id, a[1]!.id, a[4]!.id, a[3]!.id, a[2]!.id]);
  });

  it('drops a queued generation canceled before its grant, and grants the next', async () => {
    const lifecycle = gate(1);
    const [x, y, z] = [gen('a'), gen('a'), gen('a')];
    await lifecycle.enqueue([x!, y!, z!]);
    await lifecycle.cancel(y!.id);
    expect((await tenants.get('a')).usage.queued).toBe(1);
    await lifecycle.cancel(x!.id);
    expect(await redis.zrange(`${prefix}:tenant:a:inflight`, 0, -1)).toEqual([z!.id]);
  });
});

describe('reconcile', () => {
  it('repairs leaked slots, stale queue entries and a drifted reservation from the records, then grants', async () => {
    const lifecycle = gate(1);
    const [running, waiting] = [gen('a'), gen('a')];
    await lifecycle.enqueue([running!, waiting!]);
    expect(await inFlightBy('a')).toEqual({ a: 1 });
    // A leak as a hand-edited Redis could leave: the only slot held by an id with no record, a
    // queue entry for a generation that is not queued, and a reservation off by 1 USD.
    const holder = (await redis.zrange(`${prefix}:tenant:a:inflight`, 0, 0))[0]!;
    await redis.del(`${prefix}:gen:${holder}`);
    await redis.zadd(`${prefix}:tenant:a:queue`, 0, 'gen_gone');
    await redis.hincrby(`${prefix}:tenant:a`, 'rsv', 1_000_000);
    expect(await lifecycle.dispatch()).toBe(0);
    const repaired = await lifecycle.reconcileTenant('a');
    // 2.50 reserved (two estimates and the 1 USD drift) becomes the one live estimate: the
    // deleted record's reservation goes too, as nothing would ever settle it.
    expect(repaired).toEqual({ slotsFreed: 1, queueEntriesDropped: 1, reservedChangeUsd: -1.75 });
    // The freed slot went to the generation that waited; the one left reserves its estimate.
    const other = holder === running!.id ? waiting! : running!;
    expect(await redis.zrange(`${prefix}:tenant:a:inflight`, 0, -1)).toEqual([other.id]);
    expect((await tenants.get('a')).usage).toMatchObject({ queued: 0, inFlight: 1, reservedUsd: 0.75 });
    // Nothing left to repair.
    expect(await lifecycle.reconcileTenant('a')).toEqual({
      slotsFreed: 0,
      queueEntriesDropped: 0,
      reservedChangeUsd: 0,
    });
  });
});

describe('budgets', () => {
  it('reserves each estimate; an enqueue that would pass the limit is refused whole, naming the numbers', async () => {
    const lifecycle = gate(0);
    // 2 USD a day: two generations (0.75 each) fit, a batch of two more does not.
    await lifecycle.setTenant('a', toTenantFields({ budget: { limitUsd: 2, period: 'day' } }));
    await lifecycle.enqueue([gen('a'), gen('a')]);
    expect((await tenants.get('a')).usage.reservedUsd).toBe(1.5);
    const batch = [gen('a'), gen('a')];
    const refused = await lifecycle.enqueue(batch).catch((e: unknown) => e);
    expect(isBudgetExceeded(refused)).toBe(true);
    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect(refused).toMatchObject({
      tenant: 'a',
      limitUsd: 2,
      spentUsd: 0,
      reservedUsd: 1.5,
      requestedUsd: 1.5,
    });
    for (const g of batch) expect(await store.get(g.id)).toBeUndefined();
    expect((await tenants.get('a')).usage).toMatchObject({ queued: 0, inFlight: 2, reservedUsd: 1.5 });
    // Another tenant is not held back by A's budget.
    await lifecycle.enqueue([gen('b')]);
  });

  it('settles at the end: reported cost for a success, nothing for a generation that never had a task', async () => {
    const lifecycle = gate(0);
    await lifecycle.setTenant('a', toTenantFields({ budget: { limitUsd: 100, period: 'month' } }));
    const [made, dropped] = [gen('a'), gen('a')];
    await lifecycle.enqueue([made!, dropped!]);
    // `made` runs through to success, the upstream reporting 0.50 USD; `dropped` is canceled queued.
    const r = (await store.getCore(made!.id))!;
    expect((await lifecycle.startSubmit(r, 0)).ok).toBe(true);
    expect((await lifecycle.taskCreated(r, 'task_1')).ok).toBe(true);
    expect(
      (await lifecycle.taskDone(r, 1, { videoUrl: 'https://cdn.example.com/v.mp4', costMicroUsd: 500_000 }))
        .ok,
    ).toBe(true);
    const out = { bucket: 'b', key: 'k', uri: 's3://b/k', size: 1, sha256: 'h', contentType: 'video/mp4' };
    expect((await lifecycle.stored(r, out, 1)).ok).toBe(true);
    await lifecycle.cancel(dropped!.id);
    expect((await store.get(made!.id))?.cost).toEqual({ estimatedUsd: 0.75, actualUsd: 0.5 });
    expect((await store.get(dropped!.id))?.cost).toEqual({ estimatedUsd: 0.75, actualUsd: 0 });
    expect((await tenants.get('a')).usage).toMatchObject({
      queued: 0,
      inFlight: 0,
      reservedUsd: 0,
      spentUsd: 0.5,
    });
  });
});
