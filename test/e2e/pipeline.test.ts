import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { webhookIdFor } from '@reelay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_MODES } from '../support/requests.ts';
import { BUCKET, type Stack, startStack } from '../support/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ sim: { statusVariants: true, envelopeRate: 0.3 } });
});
afterAll(() => stack?.close());

describe('a generation, end to end', () => {
  it('takes every media mode from enqueue to a verified S3 object and a verified webhook', async () => {
    const enqueued = await Promise.all(
      Object.entries(MEDIA_MODES).map(async ([mode, request]) => ({
        mode,
        ...(await stack.producer.enqueue(request, { metadata: { mode } })),
      })),
    );
    expect(enqueued.every((e) => e.created && e.state === 'queued' && e.id.startsWith('gen_'))).toBe(true);

    for (const { id, mode } of enqueued) {
      const status = await stack.waitForState(id, ['succeeded', 'failed']);
      expect(status.state, `${mode}: ${JSON.stringify(status.error)}`).toBe('succeeded');
      expect(status.timeline.map((t) => t.state)).toEqual([
        'queued',
        'submitting',
        'running',
        'copying',
        'succeeded',
      ]);
      const taskId = status.upstream.taskId!;
      const output = status.output!;
      expect(output).toMatchObject({
        bucket: BUCKET,
        key: `generations/${id}.mp4`,
        uri: `s3://${BUCKET}/generations/${id}.mp4`,
        contentType: 'video/mp4',
      });

      // The stored bytes are the simulator's bytes for this task: size and sha256 both.
      const s3 = stack.s3.client();
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: output.key }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      expect(bytes.length).toBe(stack.sim.expectedSize(taskId));
      expect(output.size).toBe(bytes.length);
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(sha).toBe(await stack.sim.expectedSha256(taskId));
      expect(output.sha256).toBe(sha);
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: output.key }));
      expect(head.Metadata).toMatchObject({ 'generation-id': id, 'task-id': taskId });
      expect(head.ContentType).toBe('video/mp4');
    }

    // One verified generation.succeeded per generation, with the stable webhook-id.
    const deliveries = await stack.receiver.waitFor((d) =>
      enqueued.every((e) =>
        d.some((x) => x.webhookId === webhookIdFor(e.id, 'generation.succeeded') && x.status < 300),
      ),
    );
    for (const { id, mode } of enqueued) {
      const mine = deliveries.filter((d) => d.webhookId === webhookIdFor(id, 'generation.succeeded'));
      expect(mine.every((d) => d.verified)).toBe(true);
      const body = mine[0]!.body as {
        type: string;
        data: {
          id: string;
          state: string;
          metadata: unknown;
          output: { sha256: string };
          upstream: { taskId: string };
        };
      };
      expect(body.type).toBe('generation.succeeded');
      expect(body.data).toMatchObject({ id, state: 'succeeded', metadata: { mode } });
      const status = await stack.producer.getStatus(id);
      expect(body.data.output.sha256).toBe(status?.output?.sha256);
      expect(body.data.upstream.taskId).toBe(status?.upstream.taskId);
      await expect
        .poll(async () => (await stack.producer.getStatus(id))?.deliveries[0]?.state)
        .toBe('delivered');
    }
    expect(stack.receiver.signatureFailures()).toBe(0);
    // Exactly one upstream task per generation.
    const creates = stack.sim.stats().createsByGeneration;
    for (const { id } of enqueued) expect(creates[id]).toBe(1);
  });
});
