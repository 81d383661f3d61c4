/**
 * Batches end to end: the producer, a worker running every stage, the simulator over HTTP,
 * s3rver and a receiver that verifies signatures. Create (all or none, idempotent), counts that
 * follow the members, one batch.completed after the results file, cancel, and an operator's
 * retry of failed members.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  type Batch,
  type BatchCompletedEvent,
  type BatchResultLine,
  batchWebhookId,
  GENERATION_STATES,
  isBudgetExceeded,
  isReelayValidationError,
  jobIds,
} from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const items = (n: number, tag = 'item') =>
  Array.from({ length: n }, (_, i) => ({
    request: simpleRequest(`${tag} ${i}`),
    options: { metadata: { sku: `${tag}-${i}` } },
  }));

async function waitForBatch(
  s: Stack,
  id: string,
  done: (b: Batch) => boolean,
  timeoutMs = 30_000,
): Promise<Batch> {
  const deadline = Date.now() + timeoutMs;
  let last: Batch | undefined;
  while (Date.now() < deadline) {
    last = await s.producer.getBatch(id);
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`batch ${id} did not get there in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

async function readResults(s: Stack, batch: Batch): Promise<BatchResultLine[]> {
  const object = await s.s3
    .client()
    .send(new GetObjectCommand({ Bucket: batch.manifest!.bucket, Key: batch.manifest!.key }));
  const text = await object.Body!.transformToString();
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as BatchResultLine);
}

/** The counts the members' states give, read one by one. */
async function countsOfMembers(s: Stack, id: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries(GENERATION_STATES.map((st) => [st, 0]));
  let cursor: string | undefined;
  do {
    const page = await s.producer.listBatchGenerations(id, { limit: 7, ...(cursor ? { cursor } : {}) });
    for (const m of page!.items) counts[m.state] = (counts[m.state] ?? 0) + 1;
    cursor = page!.cursor;
  } while (cursor);
  return counts;
}

describe('batches', () => {
  it('runs every member, keeps its counts with them, writes the results file, then sends batch.completed once', async () => {
    stack = await startStack({ sim: { taskDurationMs: 40 } });
    const s = stack;
    const created = await s.producer.createBatch(items(12), { metadata: { run: 'nightly' } });
    expect(created.id).toMatch(/^bat_/);
    expect(created.created).toBe(true);
    expect(created.generations).toHaveLength(12);
    expect(created.generations.every((g) => g.created && g.state === 'queued')).toBe(true);

    const first = await s.producer.getBatch(created.id);
    expect(first).toMatchObject({
      state: 'in_progress',
      tenant: 'default',
      metadata: { run: 'nightly' },
      round: 0,
    });
    expect(first!.counts.total).toBe(12);
    const member = await s.producer.getStatus(created.generations[0]!.id);
    expect(first!.costUsd.estimated).toBeCloseTo(12 * member!.cost.estimatedUsd, 6);

    const done = await waitForBatch(s, created.id, (b) => b.manifest !== undefined);
    expect(done.state).toBe('completed');
    expect(done.counts).toMatchObject({ total: 12, succeeded: 12, queued: 0, running: 0 });
    expect(done.completed).toBeGreaterThanOrEqual(done.created);
    expect(done.costUsd.actual).toBeGreaterThan(0);
    expect(await countsOfMembers(s, created.id)).toMatchObject({ succeeded: 12 });
    // Every member carries its batch.
    expect((await s.producer.getStatus(created.generations[0]!.id))?.batchId).toBe(created.id);

    const lines = await readResults(s, done);
    expect(lines.map((l) => l.id)).toEqual(created.generations.map((g) => g.id));
    for (const [i, line] of lines.entries()) {
      expect(line).toMatchObject({
        index: i,
        state: 'succeeded',
        error: null,
        metadata: { sku: `item-${i}` },
      });
      expect(line.output?.sha256).toMatch(/^[0-9a-f]{64}$/);
    }

    const webhookId = batchWebhookId(created.id);
    const [event] = (await s.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId))).filter(
      (d) => d.webhookId === webhookId,
    );
    expect(event!.verified).toBe(true);
    const body = event!.body as BatchCompletedEvent;
    expect(body.type).toBe('batch.completed');
    expect(body.data).toMatchObject({
      id: created.id,
      state: 'completed',
      counts: { succeeded: 12, total: 12 },
      manifest: done.manifest,
      metadata: { run: 'nightly' },
    });
    // The results file was complete before the event went out: its object predates the event.
    const head = await s.s3
      .client()
      .send(new GetObjectCommand({ Bucket: done.manifest!.bucket, Key: done.manifest!.key }));
    expect(head.LastModified!.getTime()).toBeLessThanOrEqual(event!.receivedAt + 1_000);
    // Each member sent its own generation.succeeded too (inherited target): 12 + 1 events, once each.
    await s.receiver.waitFor((d) => d.filter((x) => x.type === 'generation.succeeded').length === 12);
    expect(s.receiver.deliveries().filter((d) => d.webhookId === webhookId)).toHaveLength(1);
  }, 60_000);

  it('a target that asks only for batch.completed gets only that; the same idempotency key returns the same batch', async () => {
    stack = await startStack({ sim: { taskDurationMs: 20 } });
    const s = stack;
    const options = {
      idempotencyKey: 'catalogue-7',
      webhook: { url: s.receiver.url, events: ['batch.completed'] },
    };
    const a = await s.producer.createBatch(items(3), options);
    const b = await s.producer.createBatch(items(3), options);
    expect(b.created).toBe(false);
    expect(b.id).toBe(a.id);
    expect(b.generations.map((g) => g.id)).toEqual(a.generations.map((g) => g.id));
    // The same key with other items is a conflict.
    await expect(s.producer.createBatch(items(4), options)).rejects.toMatchObject({
      code: 'REELAY_IDEMPOTENCY_CONFLICT',
    });
    await waitForBatch(s, a.id, (x) => x.manifest !== undefined);
    await s.receiver.waitFor((d) => d.some((x) => x.webhookId === batchWebhookId(a.id)));
    expect(s.receiver.deliveries().map((d) => d.type)).toEqual(['batch.completed']);
  }, 60_000);

  it('retries batch.completed on the delivery schedule under one webhook-id until the receiver takes it', async () => {
    stack = await startStack({ sim: { taskDurationMs: 20 } });
    const s = stack;
    s.receiver.setDown(true);
    const { id } = await s.producer.createBatch(items(2), {
      webhook: { url: s.receiver.url, events: ['batch.completed'] },
    });
    const webhookId = batchWebhookId(id);
    await s.receiver.waitFor((d) => d.filter((x) => x.webhookId === webhookId).length >= 2);
    s.receiver.setDown(false);
    const all = await s.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId && x.status === 204));
    const attempts = all.filter((d) => d.webhookId === webhookId);
    expect(attempts.every((d) => d.verified)).toBe(true);
    expect(attempts.filter((d) => d.status === 204)).toHaveLength(1);
    // Every attempt carries the same event: the file was written once, before the first.
    expect(new Set(attempts.map((d) => JSON.stringify((d.body as BatchCompletedEvent).data))).size).toBe(1);
    // The worker logs an attempt after the receiver answered it.
    const delivered = await waitForBatch(s, id, () => true);
    let logged = await s.producer.ops.batches.deliveryAttempts(id);
    for (const until = Date.now() + 5_000; logged.length < attempts.length && Date.now() < until; )
      logged = await new Promise((r) => setTimeout(r, 25)).then(() =>
        s.producer.ops.batches.deliveryAttempts(id),
      );
    expect(logged.map((a) => a.status)).toEqual(attempts.map((d) => d.status));
    expect(delivered.state).toBe('completed');
  }, 60_000);

  it('refuses a bad item or a budget it would break and enqueues nothing', async () => {
    stack = await startStack();
    const s = stack;
    const bad = [
      ...items(2),
      { request: { input: { media: [] } } },
      { request: simpleRequest(), options: { tenant: 'x' } },
    ];
    const err = await s.producer.createBatch(bad).catch((e: unknown) => e);
    expect(isReelayValidationError(err)).toBe(true);
    const paths = (err as { issues: Array<{ path: string }> }).issues.map((i) => i.path);
    expect(paths).toContain('items[2].request.input.media');
    expect(paths).toContain('items[3].options.tenant');
    await expect(s.producer.createBatch([])).rejects.toMatchObject({ code: 'REELAY_INVALID_REQUEST' });

    await s.producer.setTenant('thrifty', { budget: { limitUsd: 1, period: 'total' } });
    const over = await s.producer.createBatch(items(3), { tenant: 'thrifty' }).catch((e: unknown) => e);
    expect(isBudgetExceeded(over)).toBe(true);
    expect(await s.redis.keys(`${s.prefix}:gen:*`)).toEqual([]);
    expect(await s.redis.keys(`${s.prefix}:batch:*`)).toEqual([]);
  });

  it('cancel ends every member not yet terminal, and the batch ends canceled', async () => {
    stack = await startStack({ sim: { taskDurationMs: 60_000 }, env: { MAX_IN_FLIGHT: '2' } });
    const s = stack;
    const { id, generations } = await s.producer.createBatch(items(6));
    await s.waitForState(generations[0]!.id, 'running');
    const after = await s.producer.cancelBatch(id);
    expect(after?.state).toBe('canceled');
    expect(after?.counts).toMatchObject({ total: 6, canceled: 6, queued: 0, running: 0 });
    expect(await countsOfMembers(s, id)).toMatchObject({ canceled: 6 });
    const done = await waitForBatch(s, id, (b) => b.manifest !== undefined);
    expect((await readResults(s, done)).every((l) => l.state === 'canceled')).toBe(true);
    const deliveries = await s.receiver.waitFor((d) => d.some((x) => x.webhookId === batchWebhookId(id)));
    const event = deliveries.find((d) => d.webhookId === batchWebhookId(id))!;
    expect((event.body as BatchCompletedEvent).data.state).toBe('canceled');
    // A second cancel changes nothing.
    expect((await s.producer.cancelBatch(id))?.counts.canceled).toBe(6);
    expect(await s.producer.getBatch('bat_00000000000000000000000000')).toBeUndefined();
  }, 60_000);

  it('retrying failed members resumes them where they failed; the batch completes again with a new event', async () => {
    stack = await startStack({
      // The upstream refuses the first two creates (400): each member fails at submit, resumably.
      sim: { taskDurationMs: 20, rejectCreates: 2 },
    });
    const s = stack;
    const { id } = await s.producer.createBatch(items(2));
    const failed = await waitForBatch(s, id, (b) => b.manifest !== undefined);
    expect(failed).toMatchObject({ state: 'completed', round: 1, counts: { failed: 2 } });
    expect((await readResults(s, failed)).map((l) => l.error?.stage)).toEqual(['submit', 'submit']);
    await s.receiver.waitFor((d) => d.some((x) => x.webhookId === batchWebhookId(id, 1)));

    // The members fail inside their jobs, just before the jobs move to the failed set.
    const generations = (await s.producer.listBatchGenerations(id))!.items.map((g) => g.id);
    const deadline = Date.now() + 10_000;
    for (const g of generations)
      while ((await s.producer.ops.queues.submit.getJobState(jobIds.submit(g))) !== 'failed') {
        if (Date.now() > deadline) throw new Error(`${g}'s submit job never reached the failed set`);
        await new Promise((r) => setTimeout(r, 25));
      }
    const result = await s.producer.ops.retryFailedMembers(id);
    expect(result).toEqual({ retried: generations, skipped: [] });
    const again = await waitForBatch(s, id, (b) => b.round === 2 && b.manifest !== undefined);
    expect(again.state).toBe('completed');
    expect((await readResults(s, again)).every((l) => l.state === 'succeeded')).toBe(true);
    await s.receiver.waitFor((d) => d.some((x) => x.webhookId === batchWebhookId(id, again.round)));
  }, 60_000);
});
