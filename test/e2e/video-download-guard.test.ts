/**
 * The video URL is the upstream's to choose, so the sink does not trust it (issue #14, item 5):
 * an upstream whose result URL points at a private address, or whose video is larger than
 * MAX_VIDEO_BYTES, ends the generation failed with its own code and nothing in S3, whole
 * pipeline on real parts (the simulator, s3rver, Redis, an in-process worker).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { webhookIdFor } from '@reelay/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRequest } from '../support/requests.ts';
import { BUCKET, type Stack, startStack } from '../support/stack.ts';

const MiB = 1024 * 1024;

let stack: Stack | undefined;
let trap: Server | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  trap?.closeAllConnections();
  trap?.close();
  trap = undefined;
});

const objectsIn = async (s: Stack) =>
  (await s.s3.client().send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount ?? 0;

describe('the sink does not trust the video URL', () => {
  it('a video URL on a private address (127.0.0.1, another port) fails the generation, nothing dialled or stored', async () => {
    // Stands in for a metadata service: it would answer anything, so it must never be asked.
    let dialled = 0;
    trap = createServer((_req, res) => res.end('{"AccessKeyId":"secret"}'));
    trap.on('connection', () => dialled++);
    trap.listen(0, '127.0.0.1');
    await once(trap, 'listening');
    const trapOrigin = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    stack = await startStack({
      sim: { videoOrigin: trapOrigin },
      env: { UPSTREAM_ALLOW_PRIVATE_NETWORKS: 'false' },
    });

    const { id } = await stack.producer.enqueue(simpleRequest());
    const status = await stack.waitForState(id, ['failed', 'succeeded']);
    expect(status.state).toBe('failed');
    expect(status.error).toMatchObject({
      stage: 'sink',
      code: 'REELAY_SINK_DOWNLOAD_BLOCKED',
      message: expect.stringContaining('127.0.0.1 is, or resolves to, a blocked address range (loopback)'),
    });
    expect(dialled).toBe(0);
    expect(await objectsIn(stack)).toBe(0);
    const [delivery] = await stack.receiver.waitFor((d) =>
      d.some((x) => x.webhookId === webhookIdFor(id, 'generation.failed')),
    );
    expect(delivery?.body).toMatchObject({ data: { error: { code: 'REELAY_SINK_DOWNLOAD_BLOCKED' } } });
  });

  it('a video over MAX_VIDEO_BYTES, with and without Content-Length, fails the generation; nothing stored, the body not sent whole', async () => {
    stack = await startStack({ sim: { videoBytes: 64 * MiB }, env: { MAX_VIDEO_BYTES: String(MiB) } });

    // With Content-Length: refused before reading.
    const announced = await stack.producer.enqueue(simpleRequest('announced'));
    const first = await stack.waitForState(announced.id, ['failed', 'succeeded']);
    expect(first.state).toBe('failed');
    expect(first.error).toMatchObject({
      stage: 'sink',
      code: 'REELAY_SINK_VIDEO_TOO_LARGE',
      message: expect.stringContaining('more than MAX_VIDEO_BYTES (1048576)'),
      resumable: true,
    });

    // Without Content-Length (chunked): cut once past the cap.
    stack.sim.configure({ videoContentLength: false });
    const chunked = await stack.producer.enqueue(simpleRequest('chunked'));
    const second = await stack.waitForState(chunked.id, ['failed', 'succeeded']);
    expect(second.state).toBe('failed');
    expect(second.error).toMatchObject({
      stage: 'sink',
      code: 'REELAY_SINK_VIDEO_TOO_LARGE',
      message: expect.stringContaining('passed MAX_VIDEO_BYTES (1048576)'),
    });

    expect(await objectsIn(stack)).toBe(0);
    // Final, so one download each (no retries), and the simulator saw both connections closed
    // before the last byte.
    await expect.poll(() => stack!.sim.stats()).toMatchObject({ downloads: 2, downloadsCut: 2 });
  });
});
