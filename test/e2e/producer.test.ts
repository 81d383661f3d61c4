import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { jobIds, webhookIdFor } from '@reelay/contracts';
import { createProducer, isIdempotencyConflict, isReelayValidationError } from '@reelay/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { BUCKET, REDIS_URL, type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** Every key under a prefix: what "nothing was enqueued" is checked against. */
async function keyCount(prefix: string): Promise<number> {
  let n = 0;
  let cursor = '0';
  do {
    const [next, keys] = await stack.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    n += keys.filter(
      (k) => !k.endsWith(':meta') && !k.endsWith(':events') && !k.endsWith(':stalled-check'),
    ).length;
  } while (cursor !== '0');
  return n;
}

let quiet = 0;
async function quietStack<T>(
  fn: (producer: ReturnType<typeof createProducer>, prefix: string) => Promise<T>,
): Promise<T> {
  // A producer on its own prefix that no worker serves, so "nothing enqueued" is not raced by
  // processing. Nested under the stack's prefix, so the stack's cleanup removes it.
  const prefix = `${stack.prefix}:idle-${++quiet}`;
  const producer = createProducer({ redisUrl: REDIS_URL, prefix, allowPrivateNetworks: true });
  try {
    return await fn(producer, prefix);
  } finally {
    await producer.close();
  }
}

describe('producer', () => {
  it("resolves once Redis holds the generation in its tenant's queue; the gate adds its submit job under the workers' MAX_IN_FLIGHT", async () => {
    await quietStack(async (p, prefix) => {
      const r = await p.enqueue(simpleRequest());
      expect(r).toMatchObject({ state: 'queued', created: true });
      expect((await p.getStatus(r.id))?.state).toBe('queued');
      // No worker has said what MAX_IN_FLIGHT is on this prefix: the producer grants nothing.
      expect((await p.getTenant('default')).usage).toMatchObject({ queued: 1, inFlight: 0 });
      expect(await p.ops.queues.submit.getJob(jobIds.submit(r.id))).toBeUndefined();
      // Once one has (as every worker does at start), the next enqueue's gate grants both.
      await stack.redis.hset(`${prefix}:gate`, 'max', 0);
      const next = await p.enqueue(simpleRequest('next'));
      for (const id of [r.id, next.id])
        expect(await (await p.ops.queues.submit.getJob(jobIds.submit(id)))?.getState()).toBe('waiting');
      expect((await p.getTenant('default')).usage).toMatchObject({ queued: 0, inFlight: 2 });
    });
  });

  it('returns the same generation for the same idempotency key and enqueues nothing new', async () => {
    const first = await stack.producer.enqueue(simpleRequest('idem'), { idempotencyKey: 'order-77' });
    const second = await stack.producer.enqueue(simpleRequest('idem'), { idempotencyKey: 'order-77' });
    expect(second).toMatchObject({ id: first.id, created: false });
    await stack.waitForState(first.id, 'succeeded');
    const third = await stack.producer.enqueue(simpleRequest('idem'), { idempotencyKey: 'order-77' });
    expect(third).toEqual({ id: first.id, created: false, state: 'succeeded' });
    expect(stack.sim.stats().createsByGeneration[first.id]).toBe(1);
    expect((await stack.producer.findByIdempotencyKey('order-77'))?.id).toBe(first.id);
  });

  it('refuses the same key with a different request', async () => {
    await stack.producer.enqueue(simpleRequest('one'), { idempotencyKey: 'order-78' });
    const err = await stack.producer
      .enqueue(simpleRequest('two'), { idempotencyKey: 'order-78' })
      .catch((e) => e);
    expect(isIdempotencyConflict(err)).toBe(true);
  });

  it('rejects invalid input with every field problem and enqueues nothing', async () => {
    await quietStack(async (p) => {
      const before = await p.ops.queues.submit.count();
      const err = await p
        .enqueue(
          {
            input: {
              media: [
                { type: 'first_clip', url: 'ftp://x/y.mp4' },
                { type: 'driving_audio', url: 'https://x/a.mp3' },
              ],
            },
            parameters: { duration: 1 },
          },
          { webhook: { url: 'https://x.example/h' }, priority: 0 },
        )
        .catch((e) => e);
      expect(isReelayValidationError(err)).toBe(true);
      expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual([
        'input.media',
        'input.media[0].url',
        'options.priority',
        'parameters.duration',
      ]);
      expect(err.message).toContain('input.media: first_clip cannot be combined with driving_audio');
      expect(await p.ops.queues.submit.count()).toBe(before);
    });
  });

  it('refuses a webhook target on a private network unless allowed, before anything is enqueued', async () => {
    await quietStack(async (_p, prefix) => {
      const strict = createProducer({ redisUrl: REDIS_URL, prefix });
      try {
        const err = await strict
          .enqueue(simpleRequest(), { webhook: { url: 'https://127.0.0.1/hook' } })
          .catch((e) => e);
        expect(isReelayValidationError(err)).toBe(true);
        expect(err.issues[0]).toMatchObject({ path: 'options.webhook.url', rule: 'webhook_target' });
        expect(await strict.ops.queues.submit.count()).toBe(0);
      } finally {
        await strict.close();
      }
    });
  });

  it('enqueues a batch all or none', async () => {
    await quietStack(async (p, prefix) => {
      const keysBefore = await keyCount(prefix);
      const err = await p
        .enqueueMany([
          { request: simpleRequest('ok 1') },
          { request: { input: { media: [] } } },
          { request: simpleRequest('ok 3') },
        ])
        .catch((e) => e);
      expect(isReelayValidationError(err)).toBe(true);
      expect(err.issues[0].path).toBe('[1].input.media');
      expect((await p.getTenant('default')).usage.queued).toBe(0);
      expect(await keyCount(prefix)).toBe(keysBefore);
      const ok = await p.enqueueMany([
        { request: simpleRequest('a') },
        { request: simpleRequest('b'), options: { priority: 5 } },
      ]);
      expect(ok).toHaveLength(2);
      expect((await p.getTenant('default')).usage.queued).toBe(2);
    });
  });

  it('cancels a running generation: no object, no further polls, a canceled event', async () => {
    stack.sim.configure({ stuckRate: 1 });
    try {
      const { id } = await stack.producer.enqueue(simpleRequest('cancel me'));
      await stack.waitForState(id, 'running');
      expect(await stack.producer.cancel(id)).toEqual({ id, state: 'canceled', canceled: true });
      expect(await stack.producer.cancel(id)).toEqual({ id, state: 'canceled', canceled: false });
      const delivery = await stack.receiver.waitFor((d) =>
        d.some((x) => x.webhookId === webhookIdFor(id, 'generation.canceled')),
      );
      expect(delivery.find((x) => x.webhookId === webhookIdFor(id, 'generation.canceled'))?.verified).toBe(
        true,
      );
      const status = await stack.producer.getStatus(id);
      expect(status?.state).toBe('canceled');
      expect(status?.timeline.at(-1)?.state).toBe('canceled');
      // No poll job is left waiting for it.
      const delayed = await stack.worker.deps.queues.poll.getDelayed();
      expect(delayed.filter((j) => j.data.generationId === id)).toHaveLength(0);
      const objects = await stack.s3
        .client()
        .send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `generations/${id}` }));
      expect(objects.KeyCount ?? 0).toBe(0);
      expect(await stack.producer.cancel('gen_00000000000000000000000000')).toBeUndefined();
    } finally {
      stack.sim.configure({ stuckRate: 0 });
    }
  });
});
