import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { brandError } from '@reelay/contracts';
import type { Dispatcher } from 'undici';
import type { S3Target } from './deps.ts';
import { downloadRequestError } from './download-error.ts';
import { StageError } from './stage-error.ts';
import { announcedLength, checkAnnounced, checkReceived } from './video-size.ts';

export type CopyResult = { size: number; sha256: string };

/** Part buffers one copy may hold: at most this many parts uploading or filling at once. */
export const PARTS_IN_FLIGHT = 4;

/** The result URL answered 403 or 404: it expired; read the task again for a fresh one. */
export class UrlExpiredError extends Error {
  constructor(status: number) {
    super(`video URL answered ${status}`);
  }
}
export const isUrlExpired = brandError('sink.url-expired', UrlExpiredError);

/**
 * Streams a video URL into S3 without holding it in memory: each chunk of the download is hashed
 * (sha256) and copied into a part buffer; a full part is uploaded while the next one fills. A copy
 * holds at most PARTS_IN_FLIGHT part buffers (recycled, so a 1 GiB video allocates no more than a
 * 100 MiB one) and a video no larger than one part goes up in a single PutObject. The size is
 * checked against Content-Length before anything is completed, and on any failure the multipart
 * upload is aborted, so neither a short object nor orphaned parts stay behind.
 *
 * The video is capped at `maxBytes` (MAX_VIDEO_BYTES): a larger Content-Length is refused before
 * a byte of the body is read, and a body without one is cut once it passes the cap. Error
 * bodies are never read either: the connection is dropped instead.
 */
/**
 * Drops a body unread (the connection closes, an endless body costs nothing). undici's body emits
 * an AbortError when destroyed; nobody reads it any more, so it is swallowed, not left uncaught.
 */
function drop(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

export async function copyToS3(
  downloads: Dispatcher,
  url: string,
  s3: S3Target,
  key: string,
  metadata: Record<string, string>,
  opts: { maxBytes: number; signal?: AbortSignal | undefined },
): Promise<CopyResult> {
  const { maxBytes, signal } = opts;
  const res = await downloads
    .request({ origin: new URL(url).origin, path: pathOf(url), method: 'GET', ...(signal ? { signal } : {}) })
    .catch((e: unknown) => {
      throw downloadRequestError(e);
    });
  if (res.statusCode === 403 || res.statusCode === 404) {
    drop(res.body);
    throw new UrlExpiredError(res.statusCode);
  }
  if (res.statusCode !== 200) {
    drop(res.body);
    throw new StageError('sink', 'REELAY_SINK_DOWNLOAD_FAILED', `video download answered ${res.statusCode}`);
  }
  const announced = announcedLength(res.headers['content-length']);
  const known = announced !== undefined;
  const announcedCheck = checkAnnounced(announced, maxBytes);
  if (!announcedCheck.ok) {
    drop(res.body);
    throw new StageError('sink', 'REELAY_SINK_VIDEO_TOO_LARGE', announcedCheck.detail);
  }
  const hash = createHash('sha256');
  let size = 0;
  // Stops the part uploads still in flight when the copy fails or the worker shuts down.
  const stop = new AbortController();
  const uploadSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const upload = new PartUpload(s3, key, metadata, announced, uploadSignal);
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (known && size > announced) throw sizeMismatch(`more than the announced ${announced} bytes`);
      const received = checkReceived(size, maxBytes);
      if (!received.ok) throw new StageError('sink', 'REELAY_SINK_VIDEO_TOO_LARGE', received.detail);
      hash.update(chunk);
      await upload.write(chunk);
    }
    if (known && size !== announced) throw sizeMismatch(`${size} bytes of an announced ${announced}`);
    await upload.finish();
  } catch (e) {
    stop.abort();
    drop(res.body);
    await upload.abort();
    if (e instanceof StageError) throw e;
    throw new StageError('sink', 'REELAY_SINK_DOWNLOAD_FAILED', `download failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
  // No HeadObject after the upload. The stored object is made of exactly the parts S3
  // acknowledged: each UploadPart (or the one PutObject) carried a Content-Length equal to the
  // bytes hashed into `sha256` and a SigV4 signature over those bytes, and
  // CompleteMultipartUpload names every part by number and ETag (S3 refuses it if one is
  // missing or different). So the object's size is `size` by construction; a HEAD would read
  // back the same number one round trip later and could not see a later overwrite either.
  // One object per generation still holds: the key is derived from the generation id.
  return { size, sha256: hash.digest('hex') };
}

/**
 * One object's upload in parts of `partSizeBytes`. `write` copies bytes into the part being
 * filled and, when it is full, starts its upload; it waits while PARTS_IN_FLIGHT buffers are
 * taken, which pauses the download (backpressure). Buffers come back to a free list when their
 * part is stored. A part's upload is not awaited by `write`, so its failure is kept in `failure`
 * and thrown by the next `write` or by `finish`.
 */
class PartUpload {
  private readonly free: Buffer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly parts: CompletedPart[] = [];
  private current: Buffer | undefined;
  private filled = 0;
  /** Bytes handed to parts so far (sent or sending). */
  private offset = 0;
  private partNumber = 0;
  private uploadId: string | undefined;
  private failure: unknown;

  private readonly s3: S3Target;
  private readonly key: string;
  private readonly metadata: Record<string, string>;
  private readonly announced: number | undefined;
  private readonly signal: AbortSignal;

  constructor(
    s3: S3Target,
    key: string,
    metadata: Record<string, string>,
    announced: number | undefined,
    signal: AbortSignal,
  ) {
    this.s3 = s3;
    this.key = key;
    this.metadata = metadata;
    this.announced = announced;
    this.signal = signal;
  }

  async write(chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; ) {
      if (this.current && this.filled === this.current.length) await this.sendPart();
      this.current ??= this.take();
      const n = chunk.copy(this.current, this.filled, at);
      this.filled += n;
      at += n;
    }
  }

  async finish(): Promise<void> {
    if (this.partNumber === 0) {
      // The whole video fits in one part: one request, no multipart upload.
      const body = this.current?.subarray(0, this.filled) ?? Buffer.alloc(0);
      await this.s3.client
        .send(
          new PutObjectCommand({
            ...this.target(),
            Body: body,
            ContentLength: body.length,
            ...this.objectInfo(),
          }),
          { abortSignal: this.signal },
        )
        .catch(uploadFailed);
      return;
    }
    if (this.filled > 0) await this.sendPart();
    await Promise.all(this.inFlight);
    if (this.failure) throw uploadFailed(this.failure);
    const parts = this.parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await this.s3.client
      .send(
        new CompleteMultipartUploadCommand({
          ...this.target(),
          UploadId: this.uploadId,
          MultipartUpload: { Parts: parts },
        }),
        { abortSignal: this.signal },
      )
      .catch(uploadFailed);
  }

  /** After a failure (the caller has aborted `signal`): waits for the parts in flight, then drops the upload. */
  async abort(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.uploadId === undefined) return;
    await this.s3.client
      .send(new AbortMultipartUploadCommand({ ...this.target(), UploadId: this.uploadId }))
      .catch(() => {});
  }

  /** A buffer for the next part: the rest of an announced video if that is less than a part. */
  private take(): Buffer {
    const partSize = this.s3.partSizeBytes;
    const want = this.announced === undefined ? partSize : Math.min(partSize, this.announced - this.offset);
    const recycled = this.free.pop();
    if (recycled) return want === partSize ? recycled : recycled.subarray(0, want);
    return Buffer.allocUnsafe(want);
  }

  private async sendPart(): Promise<void> {
    const buffer = this.current!;
    const body = buffer.subarray(0, this.filled);
    this.current = undefined;
    this.filled = 0;
    this.offset += body.length;
    if (this.uploadId === undefined) {
      const created = await this.s3.client
        .send(new CreateMultipartUploadCommand({ ...this.target(), ...this.objectInfo() }), {
          abortSignal: this.signal,
        })
        .catch(uploadFailed);
      this.uploadId = created.UploadId;
    }
    const partNumber = ++this.partNumber;
    const sent: Promise<void> = this.s3.client
      .send(
        new UploadPartCommand({
          ...this.target(),
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: body.length,
        }),
        { abortSignal: this.signal },
      )
      .then(
        (r) => {
          this.parts.push({ PartNumber: partNumber, ETag: r.ETag });
          if (buffer.length === this.s3.partSizeBytes) this.free.push(buffer);
        },
        (e: unknown) => {
          this.failure ??= e;
        },
      )
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
    while (this.inFlight.size >= PARTS_IN_FLIGHT && this.failure === undefined)
      await Promise.race(this.inFlight);
    if (this.failure !== undefined) throw uploadFailed(this.failure);
  }

  private target() {
    return { Bucket: this.s3.bucket, Key: this.key };
  }

  private objectInfo() {
    return { ContentType: 'video/mp4', Metadata: this.metadata };
  }
}

function uploadFailed(e: unknown): never {
  if (e instanceof StageError) throw e;
  throw new StageError('sink', 'REELAY_SINK_UPLOAD_FAILED', `upload failed: ${(e as Error).message}`, {
    cause: e,
  });
}

function sizeMismatch(what: string): StageError {
  return new StageError('sink', 'REELAY_SINK_SIZE_MISMATCH', `received ${what}`);
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}
