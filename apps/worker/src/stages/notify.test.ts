import { S3Client } from '@aws-sdk/client-s3';
import { type EventType, type NotifyJob, webhookIdFor } from '@reelay/contracts';
import type { GenerationRecord } from '@reelay/core';
import { DEFAULT_DELIVERY_SCHEDULE_MS, type DeliveryOutcome, verifyWebhook } from '@reelay/webhooks';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { recordOf } from '../test-records.ts';
import { type FakeOptions, fakeJob, fakeStageDeps, NOW, SECRET } from '../test-stage-deps.ts';
import { DeliveryRetryError, isDeliveryRetry, processNotify } from './notify.ts';

const URL_ = 'https://hooks.example.com/reelay';
const ID = recordOf().id;
const output = {
  bucket: 'videos',
  key: `out/${ID}.mp4`,
  uri: `s3://videos/out/${ID}.mp4`,
  size: 10,
  sha256: 'ab'.repeat(32),
  contentType: 'video/mp4',
};
const track = (event: EventType) => ({
  event,
  webhookId: webhookIdFor(ID, event),
  state: 'pending' as const,
  attempts: [],
});
/** A succeeded generation whose generation.succeeded delivery track is open. */
const succeeded = recordOf({
  state: 'succeeded',
  updatedAt: 9_000,
  timeline: [
    { state: 'queued', at: 1_000 },
    { state: 'running', at: 2_000 },
    { state: 'succeeded', at: 9_000 },
  ],
  upstream: { taskId: 't1', submittedAt: 2_000, submitIntents: 1 },
  output,
  webhook: { url: URL_ },
  deliveries: [track('generation.succeeded')],
});

function run(
  opts: FakeOptions,
  event: EventType = 'generation.succeeded',
  job: { attemptsMade?: number; attempts?: number } = {},
) {
  const fake = fakeStageDeps({ record: succeeded, ...opts });
  const { job: j } = fakeJob<NotifyJob>({ generationId: ID, event }, { attempts: 10, ...job });
  return { fake, result: processNotify(j, fake.deps) };
}

const failedWith = (status: number | undefined, extra: Partial<DeliveryOutcome> = {}): DeliveryOutcome => ({
  ok: false,
  ...(status ? { status } : {}),
  error: status
    ? { code: 'REELAY_WEBHOOK_HTTP_STATUS', message: `receiver answered ${status}` }
    : { code: 'REELAY_WEBHOOK_CONNECTION_REFUSED', message: 'connection refused' },
  latencyMs: 12,
  ...extra,
});

const deliveries = async (fake: ReturnType<typeof fakeStageDeps>) =>
  Object.fromEntries(
    (await fake.deps.metrics.webhookDeliveries.get()).values.map((v) => [v.labels.outcome, v.value]),
  );

describe('processNotify', () => {
  it('signs and sends an event whose delivery track is open, and records it delivered', async () => {
    const { fake, result } = run({});
    await expect(result).resolves.toBe('delivered');
    expect(fake.sent).toHaveLength(1);
    const { url, body, headers } = fake.sent[0]!;
    expect(url).toBe(URL_);
    expect(headers).toMatchObject({
      'webhook-id': webhookIdFor(ID, 'generation.succeeded'),
      'webhook-timestamp': String(NOW / 1000),
      'content-type': 'application/json',
    });
    expect(headers['webhook-signature']).toMatch(/^v1,/);
    // The signature verifies with the secret, over exactly the body sent.
    const verified = verifyWebhook(body, headers, SECRET, { now: () => NOW }) as Record<string, unknown>;
    expect(verified).toMatchObject({
      type: 'generation.succeeded',
      timestamp: new Date(NOW).toISOString(),
      data: { id: ID, state: 'succeeded', output, upstream: { taskId: 't1' } },
    });
    expect(fake.calls).toEqual([
      {
        verb: 'deliveryAttempted',
        args: [ID, 'generation.succeeded', 'delivered', { attempt: 1, at: NOW, latencyMs: 5, status: 200 }],
      },
    ]);
    expect(await deliveries(fake)).toEqual({ delivered: 1 });
  });

  it('reads the record with its input but without the attempt log', async () => {
    const { fake, result } = run({});
    await result;
    expect(fake.storeReads).toEqual([{ method: 'get', id: ID, opts: { attempts: false } }]);
  });

  it('refuses an event no lifecycle move opened a track for (a forged job): nothing signed or sent', async () => {
    // A running generation with only its running track: generation.succeeded is not due.
    const running = recordOf({
      state: 'running',
      webhook: { url: URL_ },
      deliveries: [track('generation.running')],
    });
    const { fake, result } = run({ record: running }, 'generation.succeeded');
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(result).rejects.toThrow(/generation\.succeeded is not due for a generation that is running/);
    expect(fake.sent).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('sends nothing for a generation without a webhook URL', async () => {
    const { webhook: _w, ...noTarget } = succeeded;
    const { fake, result } = run({ record: noTarget });
    await expect(result).resolves.toBe('no webhook target');
    expect(fake.sent).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('sends nothing for a missing record', async () => {
    const { fake, result } = run({ record: undefined });
    await expect(result).resolves.toBe('no such generation');
    expect(fake.sent).toEqual([]);
  });

  it('without a signing secret: delivery exhausted (REELAY_NOTIFY_NO_SECRET), nothing sent', async () => {
    const { fake, result } = run({ secrets: [] }, 'generation.succeeded', { attemptsMade: 0 });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.sent).toEqual([]);
    expect(fake.argsOf('deliveryAttempted')).toEqual([
      [
        ID,
        'generation.succeeded',
        'exhausted',
        { attempt: 1, at: NOW, error: 'REELAY_NOTIFY_NO_SECRET', latencyMs: 0 },
      ],
    ]);
  });

  it('a 503 leaves the delivery pending and asks for a retry on the schedule (DeliveryRetryError)', async () => {
    const { fake, result } = run({ deliveries: [failedWith(503)] });
    const e = await result.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeliveryRetryError);
    expect(isDeliveryRetry(e)).toBe(true);
    // random() = 0.5: no jitter, the first scheduled delay exactly.
    expect((e as DeliveryRetryError).delayMs).toBe(DEFAULT_DELIVERY_SCHEDULE_MS[0]);
    expect((e as DeliveryRetryError).message).toBe('receiver answered 503');
    expect(fake.argsOf('deliveryAttempted')).toEqual([
      [
        ID,
        'generation.succeeded',
        'pending',
        { attempt: 1, at: NOW, latencyMs: 12, status: 503, error: 'REELAY_WEBHOOK_HTTP_STATUS' },
      ],
    ]);
    expect(await deliveries(fake)).toEqual({ retry: 1 });
  });

  it("a 503 with Retry-After retries after the receiver's delay; the attempt number follows the job", async () => {
    const { fake, result } = run(
      { deliveries: [failedWith(503, { retryAfter: '7' })] },
      'generation.succeeded',
      {
        attemptsMade: 3,
      },
    );
    const e = (await result.catch((x: unknown) => x)) as DeliveryRetryError;
    expect(e.delayMs).toBe(7_000);
    expect(fake.argsOf('deliveryAttempted')[0]![3]).toMatchObject({ attempt: 4 });
  });

  it('a network failure is pending with its error code and no status', async () => {
    const { fake, result } = run({ deliveries: [failedWith(undefined)] });
    await expect(result).rejects.toBeInstanceOf(DeliveryRetryError);
    expect(fake.argsOf('deliveryAttempted')[0]![3]).toEqual({
      attempt: 1,
      at: NOW,
      latencyMs: 12,
      error: 'REELAY_WEBHOOK_CONNECTION_REFUSED',
    });
  });

  it('a 410 stops the delivery: gone, UnrecoverableError', async () => {
    const { fake, result } = run({ deliveries: [failedWith(410)] });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.argsOf('deliveryAttempted')[0]![2]).toBe('gone');
    expect(await deliveries(fake)).toEqual({ gone: 1 });
  });

  it("the job's last attempt is exhausted, not pending, even with retries left in the schedule", async () => {
    const { fake, result } = run({ deliveries: [failedWith(503)] }, 'generation.succeeded', {
      attemptsMade: 2,
      attempts: 3,
    });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.argsOf('deliveryAttempted')[0]!.slice(2)).toEqual([
      'exhausted',
      { attempt: 3, at: NOW, latencyMs: 12, status: 503, error: 'REELAY_WEBHOOK_HTTP_STATUS' },
    ]);
    expect(await deliveries(fake)).toEqual({ exhausted: 1 });
  });

  it('past the end of the schedule the delivery is exhausted', async () => {
    const attempts = DEFAULT_DELIVERY_SCHEDULE_MS.length + 1;
    const { fake, result } = run({ deliveries: [failedWith(500)] }, 'generation.succeeded', {
      attemptsMade: attempts - 1,
      attempts: attempts + 5,
    });
    await expect(result).rejects.toBeInstanceOf(UnrecoverableError);
    expect(fake.argsOf('deliveryAttempted')[0]![2]).toBe('exhausted');
  });

  it('a failed event carries the error (without resumable) and no output', async () => {
    const failed: GenerationRecord = {
      ...succeeded,
      state: 'failed',
      output: undefined,
      error: { stage: 'poll', code: 'REELAY_UPSTREAM_TASK_FAILED', message: 'nope', resumable: false },
      deliveries: [track('generation.failed')],
    };
    const { fake, result } = run({ record: failed }, 'generation.failed');
    await expect(result).resolves.toBe('delivered');
    const body = JSON.parse(fake.sent[0]!.body);
    expect(body.type).toBe('generation.failed');
    expect(body.data.error).toEqual({ stage: 'poll', code: 'REELAY_UPSTREAM_TASK_FAILED', message: 'nope' });
    expect(body.data.output).toBeUndefined();
    expect(fake.sent[0]!.headers['webhook-id']).toBe(webhookIdFor(ID, 'generation.failed'));
  });

  it('with WEBHOOK_PRESIGN_TTL_S the succeeded event carries a presigned GET URL of the object', async () => {
    // A real client: presigning is computed locally, no request is made.
    const s3Client = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    });
    const { fake, result } = run({ presignTtlS: 600, s3Client });
    await expect(result).resolves.toBe('delivered');
    const url = new URL(JSON.parse(fake.sent[0]!.body).data.output.url);
    expect(url.pathname).toContain(`out/${ID}.mp4`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    s3Client.destroy();
  });
});
