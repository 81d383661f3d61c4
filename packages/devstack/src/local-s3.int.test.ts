import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalS3, startS3 } from './local-s3.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('startS3', () => {
  const started: LocalS3[] = [];
  const start = async (...args: Parameters<typeof startS3>) => {
    const s3 = await startS3(...args);
    started.push(s3);
    return s3;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s3) => s3.stop()));
  });

  it('serves S3 on loopback with the buckets pre-created and objects round-tripping byte for byte', async () => {
    const s3 = await start({ buckets: ['videos', 'thumbs'] });
    expect(s3.endpoint).toBe(`http://127.0.0.1:${s3.port}`);
    expect(s3.port).toBeGreaterThan(0);
    const client = s3.client();

    const buckets = await client.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name).sort()).toEqual(['thumbs', 'videos']);

    const bytes = randomBytes(256 * 1024);
    await client.send(
      new PutObjectCommand({ Bucket: 'videos', Key: 'gen/a.mp4', Body: bytes, ContentType: 'video/mp4' }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: 'videos', Key: 'gen/a.mp4' }));
    expect(head.ContentLength).toBe(bytes.length);
    expect(head.ContentType).toBe('video/mp4');
    const got = await client.send(new GetObjectCommand({ Bucket: 'videos', Key: 'gen/a.mp4' }));
    const body = await got.Body!.transformToByteArray();
    expect(sha256(body)).toBe(sha256(bytes));
  });

  it('refuses connections while paused and serves the same data on the same endpoint after resume', async () => {
    const s3 = await start({ buckets: ['videos'] });
    // Created before the pause: its pooled keep-alive socket must not outlive the outage.
    const client = s3.client();
    await client.send(new PutObjectCommand({ Bucket: 'videos', Key: 'k', Body: 'kept across the outage' }));
    const noRetry = s3.client({ maxAttempts: 1 });

    await s3.pause();
    await expect(noRetry.send(new HeadObjectCommand({ Bucket: 'videos', Key: 'k' }))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await expect(fetch(s3.endpoint)).rejects.toThrow();

    await s3.resume();
    const got = await client.send(new GetObjectCommand({ Bucket: 'videos', Key: 'k' }));
    expect(await got.Body!.transformToString()).toBe('kept across the outage');
    const head = await noRetry.send(new HeadObjectCommand({ Bucket: 'videos', Key: 'k' }));
    expect(head.ContentLength).toBe('kept across the outage'.length);
  });

  it('treats pause and resume as idempotent', async () => {
    const s3 = await start({ buckets: ['b'] });
    await s3.resume();
    await s3.pause();
    await s3.pause();
    await s3.resume();
    await s3.resume();
    await s3.client().send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
  });

  it('removes its own temp directory on stop, even while paused', async () => {
    const s3 = await startS3();
    expect(existsSync(s3.directory)).toBe(true);
    await s3.pause();
    await s3.stop();
    expect(existsSync(s3.directory)).toBe(false);
    await expect(fetch(s3.endpoint)).rejects.toThrow();
  });

  it('keeps a caller-given directory, so a new server on it finds the old objects', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'devstack-test-'));
    try {
      const first = await startS3({ directory, buckets: ['b'] });
      await first.client().send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'persisted' }));
      await first.stop();
      expect(existsSync(directory)).toBe(true);

      const second = await start({ directory });
      const got = await second.client().send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
      expect(await got.Body!.transformToString()).toBe('persisted');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
