import { createHash, randomBytes } from 'node:crypto';
import { jobIds, webhookIdFor } from '@reelay/contracts';
import { startWebhookReceiver } from '@reelay/devstack';
import { createProducer } from '@reelay/producer';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { REDIS_URL, type Stack, startStack } from '../support/stack.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
type Body = { type: string; data: { id: string; output?: { url?: string; sha256: string } } };

describe('webhook delivery, end to end', () => {
  it('signs with every rotated secret and can carry a presigned URL to the stored video', async () => {
    // The worker signs with an older secret first and the newer one second; the receiver knows only the newer.
    stack = await startStack({
      olderSecrets: [`whsec_${randomBytes(32).toString('base64')}`],
      env: { WEBHOOK_PRESIGN_TTL_S: '300' },
    });
    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, 'succeeded');
    const [delivery] = await stack.receiver.waitFor((d) =>
      d.some((x) => x.webhookId === webhookIdFor(id, 'generation.succeeded')),
    );
    expect(delivery?.verified).toBe(true);
    const url = (delivery!.body as Body).data.output?.url;
    expect(url).toMatch(/X-Amz-Signature=/);
    const bytes = Buffer.from(await (await fetch(url!)).arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(status.output?.sha256);
  });

  it('sends generation.running only to those who ask for it, before the terminal event', async () => {
    stack = await startStack({ sim: { taskDurationMs: 200 } });
    const url = stack.receiver.url;
    const asked = await stack.producer.enqueue(simpleRequest('asked'), {
      webhook: { url, events: ['generation.running', 'generation.succeeded'] },
    });
    const plain = await stack.producer.enqueue(simpleRequest('plain'));
    await stack.waitForState(asked.id, 'succeeded');
    await stack.waitForState(plain.id, 'succeeded');
    const all = await stack.receiver.waitFor((d) =>
      [asked.id, plain.id].every((id) =>
        d.some((x) => x.webhookId === webhookIdFor(id, 'generation.succeeded')),
      ),
    );
    const types = (id: string) =>
      all.filter((d) => (d.body as Body).data.id === id).map((d) => (d.body as Body).type);
    expect(types(asked.id)).toEqual(['generation.running', 'generation.succeeded']);
    expect(types(plain.id)).toEqual(['generation.succeeded']);
  });

  it('a notify job no lifecycle move queued signs nothing: no forged generation.succeeded for a running generation', async () => {
    stack = await startStack({ sim: { taskDurationMs: 1_500 } });
    const { id } = await stack.producer.enqueue(simpleRequest());
    await stack.waitForState(id, 'running');
    // What POST /api/queues/notify/add on an unguarded dashboard did: a job with a fresh id.
    const forged = await stack.worker.deps.queues.notify.add('notify', {
      generationId: id,
      event: 'generation.succeeded',
    });
    await expect.poll(() => forged.getState(), { timeout: 10_000 }).toBe('failed');
    expect((await stack.worker.deps.queues.notify.getJob(forged.id!))?.failedReason).toMatch(/not due/);
    const webhookId = webhookIdFor(id, 'generation.succeeded');
    expect(stack.receiver.deliveries().filter((d) => d.webhookId === webhookId)).toEqual([]);
    // The genuine event, once the video exists, arrives under that webhook-id, exactly once.
    await stack.waitForState(id, 'succeeded');
    const all = await stack.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId));
    const genuine = all.filter((d) => d.webhookId === webhookId);
    expect(genuine).toHaveLength(1);
    expect(genuine[0]).toMatchObject({ verified: true, body: { data: { state: 'succeeded' } } });
  });

  it('a manual redelivery carries the same webhook-id, freshly signed', async () => {
    stack = await startStack();
    const { id } = await stack.producer.enqueue(simpleRequest());
    await stack.waitForState(id, 'succeeded');
    const webhookId = webhookIdFor(id, 'generation.succeeded');
    await stack.receiver.waitFor((d) => d.some((x) => x.webhookId === webhookId));
    const job = await stack.worker.deps.queues.notify.getJob(jobIds.notify(id, 'generation.succeeded'));
    await expect.poll(() => job!.getState()).toBe('completed');
    await job!.retry('completed');
    const again = await stack.receiver.waitFor(
      (d) => d.filter((x) => x.webhookId === webhookId).length === 2,
    );
    expect(again.filter((x) => x.webhookId === webhookId).every((x) => x.verified)).toBe(true);
  });

  it('410 Gone stops retrying that event and is recorded', async () => {
    stack = await startStack();
    const s = stack;
    const gone = await startWebhookReceiver({ secrets: [s.secret], failRate: 1, statusOnFail: 410 });
    try {
      const { id } = await s.producer.enqueue(simpleRequest(), { webhook: { url: gone.url } });
      await s.waitForState(id, 'succeeded');
      await expect.poll(async () => (await s.producer.getStatus(id))?.deliveries[0]?.state).toBe('gone');
      const job = await s.worker.deps.queues.notify.getJob(jobIds.notify(id, 'generation.succeeded'));
      await expect.poll(() => job!.getState()).toBe('failed');
      expect(gone.deliveries()).toHaveLength(1);
      expect((await s.producer.getStatus(id))?.deliveries[0]?.attempts).toEqual([
        expect.objectContaining({ attempt: 1, status: 410 }),
      ]);
    } finally {
      await gone.stop();
    }
  });

  it('refuses a private target at delivery time even if it slipped past enqueue, without connecting', async () => {
    stack = await startStack({
      env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false', WEBHOOK_RETRY_SCHEDULE: '50ms,50ms' },
    });
    const port = new URL(stack.receiver.url).port;
    // A lenient producer (as after a config change) lets loopback forms through enqueue.
    const lenient = createProducer({ redisUrl: REDIS_URL, prefix: stack.prefix, allowPrivateNetworks: true });
    try {
      const ids: string[] = [];
      for (const host of ['127.1', '2130706433', '0x7f.0.0.1', '[::ffff:127.0.0.1]', 'localhost', '[::1]']) {
        ids.push(
          (await lenient.enqueue(simpleRequest(host), { webhook: { url: `https://${host}:${port}/hook` } }))
            .id,
        );
      }
      for (const id of ids) {
        await stack.waitForState(id, 'succeeded');
        await expect
          .poll(async () => (await stack!.producer.getStatus(id))?.deliveries[0]?.state, { timeout: 10_000 })
          .toBe('exhausted');
        const attempts = (await stack.producer.getStatus(id))!.deliveries[0]!.attempts;
        expect(attempts).toHaveLength(3);
        expect(attempts.every((a) => a.status === undefined && /^REELAY_WEBHOOK_/.test(a.error ?? ''))).toBe(
          true,
        );
      }
      expect(stack.receiver.deliveries()).toHaveLength(0);
    } finally {
      await lenient.close();
    }
  });
});
