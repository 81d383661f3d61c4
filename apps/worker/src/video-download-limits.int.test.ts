/**
 * The sink's download of an upstream-supplied URL through the worker's own dispatcher
 * (createVideoDownloads) into s3rver: the address guard, redirects under the same guard, and
 * the size cap, each seen from the serving side too (was it dialled; was the body sent whole).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type LocalS3, startS3 } from '@reelay/devstack';
import type { buildConnector, Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { S3Target } from './deps.ts';
import { copyToS3 } from './s3-copy.ts';
import { createVideoDownloads } from './video-downloads.ts';

const MiB = 1024 * 1024;
const BUCKET = 'limits';
const CHUNK = Buffer.alloc(64 * 1024, 1);

/** What the video server saw of one response. */
type Served = { path: string; sent: number; whole: boolean };

let server: Server;
let origin: string;
let port: number;
let connections = 0;
const served: Served[] = [];
let s3: LocalS3;
let client: S3Client;
let target: S3Target;
const dispatchers: Dispatcher[] = [];
/** The S3 commands sent, in order. */
const sent: string[] = [];

/**
 * `/video?bytes=N[&length=1]`: N bytes (N = -1: without end), with Content-Length when asked,
 * written as fast as the client reads (backpressure), so `sent` is what left before the client
 * hung up. `/redirect?to=URL`: 302 to URL.
 */
function respond(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/redirect')
    return void res.writeHead(302, { location: url.searchParams.get('to')! }).end();
  const total = Number(url.searchParams.get('bytes'));
  const record: Served = { path: req.url ?? '', sent: 0, whole: false };
  served.push(record);
  res.writeHead(200, url.searchParams.has('length') ? { 'content-length': String(total) } : {});
  const pump = () => {
    while (!res.destroyed && (total < 0 || record.sent < total)) {
      const n = total < 0 ? CHUNK.length : Math.min(CHUNK.length, total - record.sent);
      record.sent += n;
      if (!res.write(CHUNK.subarray(0, n))) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(() => (record.whole = true));
  };
  pump();
}

beforeAll(async () => {
  server = createServer(respond);
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  s3 = await startS3({ buckets: [BUCKET] });
  client = s3.client();
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize' },
  );
  target = { client, bucket: BUCKET, keyPrefix: '', partSizeBytes: 5 * MiB };
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  served.length = 0;
  sent.length = 0;
  connections = 0;
});

afterAll(async () => {
  client.destroy();
  await s3.stop();
  server.closeAllConnections();
  server.close();
});

function downloads(
  allowPrivateNetworks: boolean,
  connect?: (g: buildConnector.connector) => buildConnector.connector,
) {
  const d = createVideoDownloads({ allowPrivateNetworks, ...(connect ? { connect } : {}) });
  dispatchers.push(d);
  return d;
}

/**
 * Stands in for a public CDN: `cdn.test` is dialled at the loopback server without the guard
 * (as a public address would pass it); every other host goes through the guard.
 */
const publicCdn =
  (guarded: buildConnector.connector): buildConnector.connector =>
  (options, callback) => {
    if (options.hostname !== 'cdn.test') return guarded(options, callback);
    const socket = netConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => callback(null, socket));
    socket.once('error', (err) => callback(err, null));
  };

/**
 * What a refused copy left in S3: the objects under its key, and whether a multipart upload it
 * started was left open (s3rver cannot list uploads, so the commands sent tell it).
 */
async function leftInS3(key: string) {
  const objects = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key }));
  const created = sent.filter((c) => c === 'CreateMultipartUploadCommand').length;
  const ended = sent.filter(
    (c) => c === 'AbortMultipartUploadCommand' || c === 'CompleteMultipartUploadCommand',
  ).length;
  return { objects: objects.Contents ?? [], openUploads: created - ended };
}

/** The server's view of the response settles a moment after the client hangs up. */
const settled = () => new Promise((r) => setTimeout(r, 50));

describe('the address guard', () => {
  it('refuses a loopback video URL without dialling it: REELAY_SINK_DOWNLOAD_BLOCKED, final', async () => {
    await expect(
      copyToS3(downloads(false), `${origin}/video?bytes=10`, target, 'blocked.mp4', {}, { maxBytes: MiB }),
    ).rejects.toMatchObject({ code: 'REELAY_SINK_DOWNLOAD_BLOCKED', kind: 'final' });
    expect(connections).toBe(0);
    expect(await leftInS3('blocked.mp4')).toEqual({ objects: [], openUploads: 0 });
  });

  it('refuses a redirect from an allowed host to a loopback address, without dialling it', async () => {
    const to = encodeURIComponent(`${origin}/video?bytes=10`);
    await expect(
      copyToS3(
        downloads(false, publicCdn),
        `http://cdn.test/redirect?to=${to}`,
        target,
        'r.mp4',
        {},
        { maxBytes: MiB },
      ),
    ).rejects.toMatchObject({ code: 'REELAY_SINK_DOWNLOAD_BLOCKED' });
    // One connection: the allowed host's, which answered the redirect.
    expect(connections).toBe(1);
    expect(served).toEqual([]);
    expect(await leftInS3('r.mp4')).toEqual({ objects: [], openUploads: 0 });
  });

  it('follows a redirect to an allowed host and copies the video', async () => {
    const to = encodeURIComponent('http://cdn.test/video?bytes=1000&length=1');
    const out = await copyToS3(
      downloads(false, publicCdn),
      `http://cdn.test/redirect?to=${to}`,
      target,
      'followed.mp4',
      {},
      { maxBytes: MiB },
    );
    expect(out.size).toBe(1000);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'followed.mp4' }));
    expect((await got.Body!.transformToByteArray()).length).toBe(1000);
  });

  it('with UPSTREAM_ALLOW_PRIVATE_NETWORKS, a loopback video URL is copied', async () => {
    const out = await copyToS3(
      downloads(true),
      `${origin}/video?bytes=2000`,
      target,
      'local.mp4',
      {},
      { maxBytes: MiB },
    );
    expect(out.size).toBe(2000);
  });
});

describe('the size cap', () => {
  it('refuses a Content-Length over MAX_VIDEO_BYTES before reading: nothing stored, the body not sent whole', async () => {
    await expect(
      copyToS3(
        downloads(true),
        `${origin}/video?bytes=${64 * MiB}&length=1`,
        target,
        'big.mp4',
        {},
        { maxBytes: MiB },
      ),
    ).rejects.toMatchObject({
      code: 'REELAY_SINK_VIDEO_TOO_LARGE',
      kind: 'final',
      message: expect.stringContaining(`announces ${64 * MiB} bytes`),
    });
    await settled();
    expect(served).toHaveLength(1);
    expect(served[0]!.whole).toBe(false);
    expect(served[0]!.sent).toBeLessThan(64 * MiB);
    expect(await leftInS3('big.mp4')).toEqual({ objects: [], openUploads: 0 });
  });

  it('cuts an endless body without Content-Length once it passes MAX_VIDEO_BYTES, mid multipart upload: aborted, nothing stored', async () => {
    const maxBytes = 12 * MiB; // past two 5 MiB parts, so a multipart upload is under way
    await expect(
      copyToS3(downloads(true), `${origin}/video?bytes=-1`, target, 'endless.mp4', {}, { maxBytes }),
    ).rejects.toMatchObject({
      code: 'REELAY_SINK_VIDEO_TOO_LARGE',
      message: expect.stringContaining(`MAX_VIDEO_BYTES (${maxBytes})`),
    });
    await settled();
    expect(served).toHaveLength(1);
    expect(served[0]!.whole).toBe(false);
    // Cut within what the sockets buffer past the cap, not read on and on.
    expect(served[0]!.sent).toBeLessThan(maxBytes + 16 * MiB);
    expect(sent).toContain('UploadPartCommand');
    expect(sent.at(-1)).toBe('AbortMultipartUploadCommand');
    expect(await leftInS3('endless.mp4')).toEqual({ objects: [], openUploads: 0 });
  });

  it('cuts a finite body without Content-Length that is over the cap', async () => {
    await expect(
      copyToS3(
        downloads(true),
        `${origin}/video?bytes=${64 * MiB}`,
        target,
        'chunked.mp4',
        {},
        { maxBytes: MiB },
      ),
    ).rejects.toMatchObject({ code: 'REELAY_SINK_VIDEO_TOO_LARGE' });
    await settled();
    expect(served[0]!.whole).toBe(false);
    expect(await leftInS3('chunked.mp4')).toEqual({ objects: [], openUploads: 0 });
  });

  it('copies a video of exactly MAX_VIDEO_BYTES, with or without Content-Length', async () => {
    for (const length of ['&length=1', '']) {
      const out = await copyToS3(
        downloads(true),
        `${origin}/video?bytes=${MiB}${length}`,
        target,
        `exact${length}.mp4`,
        {},
        { maxBytes: MiB },
      );
      expect(out.size).toBe(MiB);
    }
  });
});
