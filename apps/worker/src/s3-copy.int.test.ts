/**
 * The sink's copy against a real S3 protocol server (devstack's s3rver) through the worker's own
 * S3 client (createS3Client, with its timeouts), and against a server that accepts connections
 * and never answers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '@reelay/core';
import { type LocalS3, startS3 } from '@reelay/devstack';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createS3Client } from './s3-client.ts';
import { copyToS3, PARTS_IN_FLIGHT } from './s3-copy.ts';

const MiB = 1024 * 1024;
const BUCKET = 'copies';
const PART = 5 * MiB;
/** Far above every video here: the cap has its own tests (video-download-limits.int.test.ts). */
const LIMITS = { maxBytes: 1024 * MiB };

type Video = { bytes: Buffer /** Content-Length sent, when it differs from the bytes. */; announce?: number };
const videos = new Map<string, Video>();
let videoServer: Server;
let videoBase: string;
let s3: LocalS3;
let downloads: Agent;
let reader: S3Client;
const clients: S3Client[] = [];

beforeAll(async () => {
  videoServer = createHttpServer((req, res) => {
    const video = videos.get(req.url ?? '');
    if (!video) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(video.announce ?? video.bytes.length) });
    // 64 KiB writes, as a real server streams; a short body ends the response early.
    for (let at = 0; at < video.bytes.length; at += 64 * 1024)
      res.write(video.bytes.subarray(at, at + 64 * 1024));
    if (video.announce !== undefined && video.announce > video.bytes.length)
      res.write('', () => res.destroy()); // after what was written has gone out
    else res.end();
  });
  videoServer.listen(0, '127.0.0.1');
  await once(videoServer, 'listening');
  videoBase = `http://127.0.0.1:${(videoServer.address() as AddressInfo).port}`;
  s3 = await startS3({ buckets: [BUCKET] });
  reader = s3.client();
  downloads = new Agent();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await downloads.close();
  await s3.stop();
  videoServer.closeAllConnections();
  videoServer.close();
});

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', s3.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.secretAccessKey);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The worker's client for `endpoint`, configured the way the worker reads it, and the commands it sends. */
function workerClient(endpoint: string, env: Record<string, string> = {}) {
  const config = loadConfig({
    S3_ENDPOINT: endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: BUCKET,
    S3_PART_SIZE_MB: String(PART / MiB),
    ...env,
  });
  const client = createS3Client(config.s3);
  clients.push(client);
  const sent: string[] = [];
  let uploading = 0;
  let maxUploading = 0;
  let failPart: number | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '?');
      const part = (args.input as { PartNumber?: number }).PartNumber;
      if (context.commandName !== 'UploadPartCommand') return next(args);
      if (part === failPart) throw new Error(`part ${part} refused by the test`);
      uploading++;
      maxUploading = Math.max(maxUploading, uploading);
      try {
        return await next(args);
      } finally {
        uploading--;
      }
    },
    { step: 'initialize' },
  );
  return {
    target: { client, bucket: BUCKET, keyPrefix: '', partSizeBytes: config.s3.partSizeBytes },
    sent,
    maxUploading: () => maxUploading,
    failOnPart(n: number) {
      failPart = n;
    },
  };
}

function serve(name: string, video: Video): string {
  videos.set(`/${name}`, video);
  return `${videoBase}/${name}`;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The object's bytes, read with a client of the test's own (not the one under test). */
async function stored(key: string): Promise<Buffer | undefined> {
  const got = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).catch((e: unknown) => {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
    throw e;
  });
  return got ? Buffer.from(await got.Body!.transformToByteArray()) : undefined;
}

describe('copyToS3', () => {
  it('uploads a video larger than a part in parts, at most PARTS_IN_FLIGHT at once, and stores exactly its bytes', async () => {
    const s = workerClient(s3.endpoint);
    const bytes = randomBytes(6 * PART + 12_345); // 7 parts: more than PARTS_IN_FLIGHT
    const out = await copyToS3(
      downloads,
      serve('big', { bytes }),
      s.target,
      'big.mp4',
      { 'generation-id': 'g1' },
      LIMITS,
    );

    expect(out).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    const object = await stored('big.mp4');
    expect(object && sha256(object)).toBe(sha256(bytes));
    const head = await reader.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big.mp4' }));
    expect(head).toMatchObject({ ContentType: 'video/mp4', Metadata: { 'generation-id': 'g1' } });
    // The size check needs no HEAD of its own (see copyToS3).
    expect(s.sent).toEqual([
      'CreateMultipartUploadCommand',
      ...Array(7).fill('UploadPartCommand'),
      'CompleteMultipartUploadCommand',
    ]);
    expect(s.maxUploading()).toBeGreaterThan(1);
    expect(s.maxUploading()).toBeLessThanOrEqual(PARTS_IN_FLIGHT);
  });

  it('puts a video no larger than a part in one request', async () => {
    const s = workerClient(s3.endpoint);
    for (const [name, n] of [
      ['small', 13_000],
      ['exact', PART],
      ['empty', 0],
    ] as const) {
      s.sent.length = 0;
      const bytes = randomBytes(n);
      const out = await copyToS3(downloads, serve(name, { bytes }), s.target, `${name}.mp4`, {}, LIMITS);
      expect(out).toEqual({ size: n, sha256: sha256(bytes) });
      expect((await stored(`${name}.mp4`))?.equals(bytes)).toBe(true);
      expect(s.sent).toEqual(['PutObjectCommand']);
    }
  });

  it('stores nothing when the download ends short of its Content-Length', async () => {
    const s = workerClient(s3.endpoint);
    const bytes = randomBytes(2 * PART + 100);
    const url = serve('short', { bytes, announce: 3 * PART });
    await expect(copyToS3(downloads, url, s.target, 'short.mp4', {}, LIMITS)).rejects.toMatchObject({
      code: expect.stringMatching(/^REELAY_SINK_(DOWNLOAD_FAILED|SIZE_MISMATCH)$/),
    });
    expect(await stored('short.mp4')).toBeUndefined();
    expect(s.sent).toContain('AbortMultipartUploadCommand');
    expect(s.sent).not.toContain('CompleteMultipartUploadCommand');
  });

  it('aborts the multipart upload when a part fails, and stores nothing', async () => {
    const s = workerClient(s3.endpoint);
    s.failOnPart(2);
    const url = serve('failing', { bytes: randomBytes(3 * PART) });
    await expect(copyToS3(downloads, url, s.target, 'failing.mp4', {}, LIMITS)).rejects.toMatchObject({
      code: 'REELAY_SINK_UPLOAD_FAILED',
      message: expect.stringContaining('part 2 refused'),
    });
    expect(s.sent.at(-1)).toBe('AbortMultipartUploadCommand');
    expect(s.sent).not.toContain('CompleteMultipartUploadCommand');
    expect(await stored('failing.mp4')).toBeUndefined();
  });

  it('fails within its socket timeout when S3 accepts the connection and never answers', async () => {
    const sockets: Socket[] = [];
    const blackHole = createNetServer((socket) => {
      sockets.push(socket); // read nothing, answer nothing
    });
    blackHole.listen(0, '127.0.0.1');
    await once(blackHole, 'listening');
    try {
      const endpoint = `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`;
      const s = workerClient(endpoint, { S3_SOCKET_TIMEOUT_MS: '300', S3_CONNECT_TIMEOUT_MS: '300' });
      const url = serve('to-nowhere', { bytes: randomBytes(64 * 1024) });
      const t0 = performance.now();
      await expect(copyToS3(downloads, url, s.target, 'nowhere.mp4', {}, LIMITS)).rejects.toMatchObject({
        code: 'REELAY_SINK_UPLOAD_FAILED',
        message: expect.stringMatching(/timed out/),
      });
      // Three attempts (the SDK's retries) of 300 ms idle each, plus its backoff: seconds, not for ever.
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });
});
