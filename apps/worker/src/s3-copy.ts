import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Dispatcher } from 'undici';
import type { S3Target } from './deps.ts';
import { StageError } from './stage-error.ts';

export type CopyResult = { size: number; sha256: string };

const EXPIRED_BRAND = Symbol.for('reelay.sink.url-expired');
/** The result URL answered 403 or 404: it expired; read the task again for a fresh one. */
export class UrlExpiredError extends Error {
  readonly [EXPIRED_BRAND] = true;
  constructor(status: number) {
    super(`video URL answered ${status}`);
  }
}
export const isUrlExpired = (e: unknown): e is UrlExpiredError =>
  typeof e === 'object' && e !== null && EXPIRED_BRAND in e;

/**
 * Streams a video URL into S3 without holding it in memory: the body flows through a hashing
 * transform into a multipart upload (parts of `partSizeBytes`, four in flight). Size is checked
 * against Content-Length and against the stored object. On any failure the multipart upload
 * is aborted, so no orphaned parts stay behind.
 */
export async function copyToS3(
  downloads: Dispatcher,
  url: string,
  s3: S3Target,
  key: string,
  metadata: Record<string, string>,
  signal?: AbortSignal,
): Promise<CopyResult> {
  const res = await downloads
    .request({ origin: new URL(url).origin, path: pathOf(url), method: 'GET', ...(signal ? { signal } : {}) })
    .catch((e: unknown) => {
      throw new StageError(
        'sink',
        'REELAY_SINK_DOWNLOAD_FAILED',
        `video download failed: ${(e as Error).message}`,
        { cause: e },
      );
    });
  if (res.statusCode === 403 || res.statusCode === 404) {
    res.body.resume();
    throw new UrlExpiredError(res.statusCode);
  }
  if (res.statusCode !== 200) {
    res.body.resume();
    throw new StageError('sink', 'REELAY_SINK_DOWNLOAD_FAILED', `video download answered ${res.statusCode}`);
  }
  const announced = Number(res.headers['content-length'] ?? Number.NaN);
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const upload = new Upload({
    client: s3.client,
    params: { Bucket: s3.bucket, Key: key, Body: tap, ContentType: 'video/mp4', Metadata: metadata },
    partSize: s3.partSizeBytes,
    queueSize: 4,
    leavePartsOnError: false,
  });
  // Shutdown: abort the multipart upload (no orphaned parts) and the download with it.
  const onAbort = () => void upload.abort().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all([pipeline(res.body, tap), upload.done()]);
  } catch (e) {
    await upload.abort().catch(() => {});
    res.body.destroy();
    if (e instanceof StageError) throw e;
    const download = !res.body.readableEnded;
    throw new StageError(
      'sink',
      download ? 'REELAY_SINK_DOWNLOAD_FAILED' : 'REELAY_SINK_UPLOAD_FAILED',
      `${download ? 'download' : 'upload'} failed: ${(e as Error).message}`,
      { cause: e },
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (Number.isFinite(announced) && announced !== size) {
    throw new StageError(
      'sink',
      'REELAY_SINK_SIZE_MISMATCH',
      `received ${size} bytes of an announced ${announced}`,
    );
  }
  const head = await s3.client
    .send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))
    .catch((e: unknown) => {
      throw new StageError(
        'sink',
        'REELAY_SINK_UPLOAD_FAILED',
        `checking the stored object failed: ${(e as Error).message}`,
        { cause: e },
      );
    });
  if (head.ContentLength !== size) {
    throw new StageError(
      'sink',
      'REELAY_SINK_SIZE_MISMATCH',
      `stored object has ${head.ContentLength} bytes, sent ${size}`,
    );
  }
  return { size, sha256: hash.digest('hex') };
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}
